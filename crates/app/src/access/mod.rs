//! Access: signing in, passwords and their tokens, users, and who may pass which route.

pub mod guard;
mod passwords;
mod services;
mod sign_in;
mod users;

pub use guard::{Refusal, admin_guard, client_guard, session_guard};
pub use passwords::{IssueTokenError, SetPasswordError, issue_password_token, set_password};
pub use services::{AccessFailure, AccessServices};
pub use sign_in::{SignInError, SignedIn, sign_in};
pub use users::{CreateAdminError, create_admin, invite_client_user, set_user_enabled};
