//! `/api/auth/*` (sign in and out, set a password, who am I) and the admin's switches for users.

pub mod recovery;

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use app::RequestContext;
use app::access::{AccessFailure, PasswordError, SetPasswordError, SetUserEnabledError, SignInError};
use domain::{Actor, ActorRole, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::problem::{ApiError, FieldError, Problem};
use crate::session::{AdminSession, COOKIE, SignedIn};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "admin@example.com")]
    email: String,
    password: String,
    /// For admins who enrolled a second factor: the authenticator app's current code, or one of
    /// their recovery codes. Each works once.
    totp: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    access_token: String,
    #[schema(example = "Bearer")]
    token_type: &'static str,
    /// Seconds until the session ends.
    expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPasswordRequest {
    /// The token from the emailed link.
    token: String,
    /// 12 to 128 characters, not a common password.
    #[schema(min_length = 12, max_length = 128)]
    password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    user_id: Uuid,
    email: String,
    #[schema(example = "CLIENT")]
    role: String,
    client_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserStatusResponse {
    user_id: Uuid,
    #[schema(example = "DISABLED")]
    status: String,
}

impl From<SignInError> for ApiError {
    fn from(error: SignInError) -> Self {
        match error {
            SignInError::InvalidCredentials => Self::InvalidCredentials,
            SignInError::Disabled => Self::AccountDisabled,
            SignInError::SecondFactor => Self::InvalidSecondFactor,
            SignInError::Throttled { retry_after } => Self::TooManyRequests {
                retry_after_secs: retry_after.as_secs().max(1),
            },
            SignInError::Busy { retry_after } => Self::Busy {
                retry_after_secs: retry_after.as_secs().max(1),
            },
            SignInError::Failure(f) => f.into(),
        }
    }
}

impl From<SetPasswordError> for ApiError {
    fn from(error: SetPasswordError) -> Self {
        match error {
            SetPasswordError::InvalidToken => Self::InvalidToken,
            SetPasswordError::WeakPassword(problem) => Self::Validation(vec![password_error(problem)]),
            SetPasswordError::Busy { retry_after } => Self::Busy {
                retry_after_secs: retry_after.as_secs().max(1),
            },
            SetPasswordError::Failure(f) => f.into(),
        }
    }
}

impl From<SetUserEnabledError> for ApiError {
    fn from(error: SetUserEnabledError) -> Self {
        match error {
            SetUserEnabledError::UnknownUser => Self::NotFound("no user has this id"),
            SetUserEnabledError::LastActiveAdmin => Self::StateConflict {
                code: "last_active_admin",
                detail: "this is the last active admin; enable or create another admin first",
            },
            SetUserEnabledError::Failure(f) => f.into(),
        }
    }
}

impl From<AccessFailure> for ApiError {
    fn from(failure: AccessFailure) -> Self {
        match failure {
            AccessFailure::Store(e) => e.into(),
            AccessFailure::Unexpected(e) => Self::Unexpected(anyhow::anyhow!(e)),
        }
    }
}

pub(crate) fn actor_context(state: &AppState, req: &HttpRequest, session: &SignedIn) -> RequestContext {
    let mut ctx = state.request_context(req);
    ctx.actor = Actor {
        role: ActorRole::from(session.user.role),
        id: Some(session.user.id.to_string()),
    };
    ctx
}

pub(crate) fn session_cookie(value: String, max_age: time::Duration, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .http_only(true)
        .secure(secure)
        // Lax, not Strict: the emails' links (a top-level GET from a mail client) must arrive
        // signed in. Cross-site POSTs never carry it, and every form also carries its token.
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(max_age)
        .finish()
}

/// Sign in with email and password: a bearer token for the API, and the same token in an
/// HttpOnly, SameSite=Lax cookie for the portal.
#[utoipa::path(
    tag = "access",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 400, description = "The body is not a login request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email or password (one answer for both), or an enrolled admin's second factor missing or wrong", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is disabled", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address or on this account", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many sign-ins at once; retry after `Retry-After` seconds (the password was not checked)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = state.request_context(&req);
    let signed_in =
        app::access::sign_in(state.access(), &body.email, &body.password, body.totp.as_deref(), &ctx).await?;
    let token = signed_in.token.expose().to_owned();
    let expires_in = signed_in.expires_in.num_seconds();
    Ok(HttpResponse::Ok()
        .cookie(session_cookie(
            token.clone(),
            time::Duration::seconds(expires_in),
            state.secure_cookies,
        ))
        .json(LoginResponse {
            access_token: token,
            token_type: "Bearer",
            expires_in,
        }))
}

/// Sign out: this session ends at once, whether it was sent as a bearer token or as the cookie,
/// and the cookie is removed. The user's other sessions go on (a new password or disabling the
/// user ends them all).
#[utoipa::path(
    tag = "access",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/auth/logout")]
pub async fn logout(state: web::Data<AppState>, req: HttpRequest, session: SignedIn) -> Result<HttpResponse, ApiError> {
    let ctx = actor_context(&state, &req, &session);
    app::access::sign_out(state.access(), &session.claims, &session.user, &ctx).await?;
    Ok(HttpResponse::NoContent()
        .cookie(session_cookie(
            String::new(),
            time::Duration::ZERO,
            state.secure_cookies,
        ))
        .finish())
}

/// Set a password with the token from a setup or reset link. Spends the token, activates an
/// invited user and ends the user's other sessions. Does not sign in.
#[utoipa::path(
    tag = "access",
    request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "The password is set"),
        (status = 400, description = "The link is invalid, used or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password is too short, too long or too common", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many passwords being set at once; the link is not spent", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/auth/set-password")]
pub async fn set_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = state.request_context(&req);
    app::access::set_password(state.access(), &body.token, &body.password, &ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

fn password_error(problem: PasswordError) -> FieldError {
    let code = match problem {
        PasswordError::TooShort => "too_short",
        PasswordError::TooLong => "too_long",
        PasswordError::TooCommon => "too_common",
    };
    FieldError {
        field: "password".into(),
        code,
        message: problem.to_string(),
    }
}

/// Who is signed in.
#[utoipa::path(
    tag = "access",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "Not signed in, or the session has ended", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is disabled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/auth/me")]
pub async fn me(session: SignedIn) -> HttpResponse {
    let user = session.user;
    HttpResponse::Ok().json(Me {
        user_id: user.id.as_uuid(),
        email: user.email.to_string(),
        role: user.role.to_string(),
        client_id: user.client_id.map(|c| c.as_uuid()),
    })
}

async fn switch_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AdminSession,
    user_id: &str,
    enabled: bool,
) -> Result<HttpResponse, ApiError> {
    let user_id: UserId = user_id.parse().map_err(|_| ApiError::NotFound("no user has this id"))?;
    let ctx = actor_context(&state, &req, &session.0);
    let user = app::access::set_user_enabled(state.access(), user_id, enabled, &ctx).await?;
    Ok(HttpResponse::Ok().json(UserStatusResponse {
        user_id: user.id.as_uuid(),
        status: user.status.to_string(),
    }))
}

/// Disable a user: every session of theirs ends at once.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses(
        (status = 200, description = "Disabled", body = UserStatusResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last active admin cannot be disabled (`last_active_admin`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/admin/users/{user_id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AdminSession,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    switch_user(state, req, session, &path, false).await
}

/// Enable a user again (their old sessions stay ended).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses(
        (status = 200, description = "Enabled", body = UserStatusResponse),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api/admin/users/{user_id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: AdminSession,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    switch_user(state, req, session, &path, true).await
}
