//! The use cases of Compliance Vault, written against the ports only. Nothing here knows HTTP,
//! SQL or any provider; errors say what went wrong in the product's terms.

pub mod access;
pub mod audit;
pub mod console;
pub mod context;
pub mod documents;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod onboarding;
pub mod operations;
pub mod pack;

pub use context::RequestContext;
