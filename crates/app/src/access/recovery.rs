//! Getting back in: a user who forgot the password, and an operator resending a setup link.

use std::time::Duration;

use domain::{ClientId, Email, PasswordStatus, PortalUser, TokenKind, UserStatus};

use super::{AccessFailure, AccessServices, IssueTokenError, queue_password_link};
use crate::RequestContext;
use crate::limits::{self, Limit, WhenFull};

/// Links emailed to one user within an hour, by either route: more is someone else's doing.
pub const LINKS_PER_HOUR: u32 = 3;
/// Forgot-password requests from one network address within an hour, whatever the emails.
pub const FORGOT_REQUESTS_PER_ADDRESS_PER_HOUR: u32 = 30;
const HOUR: Duration = Duration::from_secs(3600);

#[derive(Debug, thiserror::Error)]
pub enum ForgotPasswordError {
    /// Too many requests from this address, known emails or not: the same for everyone.
    #[error("too many requests from this address")]
    Throttled { retry_after: Duration },
}

/// Counts a forgot-password request from the caller's address, whatever the email: beyond
/// [`FORGOT_REQUESTS_PER_ADDRESS_PER_HOUR`] it is refused, the same way for every address.
///
/// # Errors
/// [`ForgotPasswordError::Throttled`] with when to retry.
pub async fn throttle_forgot_password(s: AccessServices<'_>, ctx: &RequestContext) -> Result<(), ForgotPasswordError> {
    let Some(address) = ctx.address_bucket() else {
        return Ok(());
    };
    let limit = Limit {
        name: "forgot-password per address",
        attempts: FORGOT_REQUESTS_PER_ADDRESS_PER_HOUR,
        window: HOUR,
        when_full: WhenFull::Refuse,
    };
    limits::count(s.limiter, &format!("forgot-password-address:{address}"), limit)
        .await
        .map_err(|retry_after| ForgotPasswordError::Throttled { retry_after })
}

/// Emails a reset link (a setup link to a user who never set a password) to the user with this
/// address. Nothing is sent for an unknown or disabled address, nor beyond [`LINKS_PER_HOUR`] for
/// one user; the caller cannot tell these cases apart. Callers that answer a request should
/// answer first and run this afterwards, so the time taken does not tell either.
///
/// # Errors
/// [`AccessFailure`] when the store fails.
#[tracing::instrument(skip_all)]
pub async fn send_password_link(
    s: AccessServices<'_>,
    email: &Email,
    ctx: &RequestContext,
) -> Result<(), AccessFailure> {
    let Some(user) = s.store.find_user_by_email(email).await? else {
        return Ok(());
    };
    if user.status == UserStatus::Disabled {
        return Ok(());
    }
    if links_allowed(s, &user).await.is_err() {
        tracing::info!(user_id = %user.id, "password link not sent: hourly limit reached");
        return Ok(());
    }
    let kind = match user.password_status {
        PasswordStatus::NotSet => TokenKind::Setup,
        PasswordStatus::Set => TokenKind::Reset,
    };
    match queue_password_link(s, user.id, kind, ctx).await {
        Ok(_) | Err(IssueTokenError::UnknownUser) => Ok(()),
        Err(IssueTokenError::Failure(failure)) => Err(failure),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ResendError {
    #[error("no such client")]
    UnknownClient,
    #[error("the client has no portal user yet: it is not provisioned")]
    NotProvisioned,
    #[error("the client's user has already set a password")]
    PasswordAlreadySet,
    #[error("{LINKS_PER_HOUR} links were sent in the last hour")]
    RateLimited { retry_after: Duration },
    #[error(transparent)]
    Failure(#[from] AccessFailure),
}

/// Emails the client's portal user a fresh setup link, revoking earlier ones; at most
/// [`LINKS_PER_HOUR`] per user per hour, counted across every server instance sharing the limiter.
///
/// # Errors
/// [`ResendError`] saying why nothing was sent.
#[tracing::instrument(skip_all, fields(client_id = %client_id))]
pub async fn resend_password_setup(
    s: AccessServices<'_>,
    client_id: ClientId,
    ctx: &RequestContext,
) -> Result<(), ResendError> {
    let client = s
        .store
        .get_client(client_id)
        .await
        .map_err(AccessFailure::from)?
        .ok_or(ResendError::UnknownClient)?;
    let user = s
        .store
        .find_user_by_email(&client.details.email)
        .await
        .map_err(AccessFailure::from)?
        .filter(|u| u.client_id == Some(client_id))
        .ok_or(ResendError::NotProvisioned)?;
    if user.password_status == PasswordStatus::Set {
        return Err(ResendError::PasswordAlreadySet);
    }
    if let Err(retry_after) = links_allowed(s, &user).await {
        return Err(ResendError::RateLimited { retry_after });
    }
    match queue_password_link(s, user.id, TokenKind::Setup, ctx).await {
        Ok(_) => Ok(()),
        Err(IssueTokenError::UnknownUser) => Err(ResendError::NotProvisioned),
        Err(IssueTokenError::Failure(failure)) => Err(failure.into()),
    }
}

/// Counts one link for the user, whichever route sends it; `Err(retry_after)` beyond the limit.
async fn links_allowed(s: AccessServices<'_>, user: &PortalUser) -> Result<(), Duration> {
    let limit = Limit {
        name: "password links per user",
        attempts: LINKS_PER_HOUR,
        window: HOUR,
        when_full: WhenFull::Refuse,
    };
    limits::count(s.limiter, &format!("password-link:{}", user.id), limit).await
}
