//! Access: signing in, passwords and their tokens, users, and who may pass which route.

pub mod guard;
mod passwords;
mod recovery;
mod refusals;
mod services;
mod session;
mod sign_in;
mod users;

pub use guard::{Refusal, admin_guard, client_guard, session_guard};
/// The session and secret types the access use cases are given and give back.
pub use identity::{PasswordError, RandomSource, SessionClaims, SessionSigner, TotpKey};
pub use passwords::{IssueTokenError, PasswordSet, SetPasswordError, queue_password_link, set_password};
pub use recovery::{
    FORGOT_REQUESTS_PER_ADDRESS_PER_HOUR, ForgotPasswordError, LINKS_PER_HOUR, ResendError, resend_password_setup,
    send_password_link, throttle_forgot_password,
};
pub use refusals::{MAX_ROUTE_CHARS, RefusedRequest, audit_refusal};
pub use services::{AccessFailure, AccessServices};
pub use session::{
    AuthError, Authenticated, Guard, RefusedRouteInfo, authenticate, authenticate_with_portfolio, sign_out,
};
pub use sign_in::{LoginLimits, SignInError, SignedIn, sign_in, sign_in_after_setup};
pub use users::{
    CreateAdminError, EnrolError, Enrolment, SetUserEnabledError, create_admin, encrypt_clear_second_factors,
    enrol_second_factor, invite_client_user, set_user_enabled,
};
