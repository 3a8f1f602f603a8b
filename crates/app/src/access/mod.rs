//! Access: signing in, passwords and their tokens, users, and who may pass which route.

pub mod guard;
mod passwords;
mod services;
mod sign_in;
mod users;

pub use guard::{Refusal, admin_guard, client_guard, session_guard};
pub use passwords::{IssueTokenError, SetPasswordError, issue_password_token, set_password};
pub use services::{AccessFailure, AccessServices};
pub use sign_in::{LoginLimits, SignInError, SignedIn, sign_in};
pub use users::{
    CreateAdminError, EnrolError, Enrolment, create_admin, enrol_second_factor, invite_client_user, set_user_enabled,
};
