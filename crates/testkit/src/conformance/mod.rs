//! Conformance suites: what every adapter of a port must do, written once. An adapter's tests
//! invoke the macro with a harness factory, which yields one named test per check.

pub mod rate_limiter;
pub mod store;
pub mod users;

pub use store::StoreHarness;
