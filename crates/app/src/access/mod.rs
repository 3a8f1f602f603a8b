//! Access: who may pass which route (sign-in and sessions arrive with the identity crate).

pub mod guard;

pub use guard::{Refusal, admin_guard, client_guard};
