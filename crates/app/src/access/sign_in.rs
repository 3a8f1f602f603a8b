//! Signing in: email and password in, a session token out. Unknown emails cost the same time as
//! known ones and get the same answer; attempts are throttled per address, and per account from
//! each address, so an attacker elsewhere cannot lock a user out.

use std::time::Duration;

use chrono::TimeDelta;
use domain::{Actor, ActorRole, AuditAction, Email, NewAuditEntry, PortalUser, UserStatus};
use identity::{SessionSubject, SessionToken};
use ports::{RateDecision, RateLimiter};
use serde_json::json;
use uuid::Uuid;

use super::{AccessFailure, AccessServices};
use crate::RequestContext;

/// The window of the sign-in limits.
const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Attempts one address may make, whatever the accounts.
const PER_ADDRESS: u32 = 100;
/// Attempts one address may make on one account.
const PER_ACCOUNT_AND_ADDRESS: u32 = 10;

#[derive(Debug)]
pub struct SignedIn {
    pub user: PortalUser,
    pub token: SessionToken,
    pub expires_in: TimeDelta,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong email or password; deliberately not saying which.
    #[error("the email or password is wrong")]
    InvalidCredentials,
    /// The password was right but the user is disabled.
    #[error("this account is disabled")]
    Disabled,
    #[error("too many sign-in attempts; retry in {} s", retry_after.as_secs())]
    Throttled { retry_after: Duration },
    #[error(transparent)]
    Failure(#[from] AccessFailure),
}

impl From<ports::StoreError> for SignInError {
    fn from(error: ports::StoreError) -> Self {
        Self::Failure(error.into())
    }
}

/// # Errors
/// [`SignInError`] saying why; every refusal is audited as LOGIN_FAILED.
pub async fn sign_in(
    s: AccessServices<'_>,
    email: &str,
    password: &str,
    ctx: &RequestContext,
) -> Result<SignedIn, SignInError> {
    let address = ctx.source_address.as_deref().unwrap_or("unknown");
    let account = email.trim().to_lowercase();
    throttle(s.limiter, &format!("login:address:{address}"), PER_ADDRESS).await?;
    throttle(
        s.limiter,
        &format!("login:account:{account}:{address}"),
        PER_ACCOUNT_AND_ADDRESS,
    )
    .await?;

    let user = match Email::parse(email) {
        Ok(email) => s.store.find_user_by_email(&email).await?,
        Err(_) => None,
    };
    let password_matches = s
        .hasher
        .verify(password, user.as_ref().and_then(|u| u.password_hash.as_ref()))
        .await;
    let now = s.clock.now();
    let Some(user) = user.filter(|_| password_matches) else {
        record(s, AuditAction::LoginFailed, None, "invalid_credentials", ctx).await?;
        return Err(SignInError::InvalidCredentials);
    };
    if user.status == UserStatus::Disabled {
        record(s, AuditAction::LoginFailed, Some(&user), "disabled", ctx).await?;
        return Err(SignInError::Disabled);
    }
    let subject = SessionSubject {
        user_id: user.id,
        role: user.role,
        client_id: user.client_id,
        mfa: false,
    };
    let issued = s
        .sessions
        .issue(&subject, now, s.rng)
        .map_err(|e| AccessFailure::Unexpected(e.to_string()))?;
    record(s, AuditAction::LoginSucceeded, Some(&user), "password", ctx).await?;
    Ok(SignedIn {
        user,
        token: issued.token,
        expires_in: s.sessions.ttl(),
    })
}

async fn throttle(limiter: &dyn RateLimiter, key: &str, limit: u32) -> Result<(), SignInError> {
    match limiter.check(key, limit, WINDOW).await {
        Ok(RateDecision::Limited { retry_after }) => Err(SignInError::Throttled { retry_after }),
        Ok(RateDecision::Allowed { .. }) => Ok(()),
        // Argon2id still bounds guessing while the limiter is down; refusing every sign-in would not.
        Err(error) => {
            tracing::error!(error = ?error, "sign-in rate limiter failed; allowing the attempt");
            Ok(())
        }
    }
}

async fn record(
    s: AccessServices<'_>,
    action: AuditAction,
    user: Option<&PortalUser>,
    how: &str,
    ctx: &RequestContext,
) -> Result<(), AccessFailure> {
    let actor = match user {
        Some(user) => Actor {
            role: ActorRole::from(user.role),
            id: Some(user.id.to_string()),
        },
        None => Actor::anonymous(),
    };
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), s.clock.now(), action, actor);
    entry.client_id = user.and_then(|u| u.client_id);
    entry.resource_type = user.map(|_| "user".to_owned());
    entry.resource_id = user.map(|u| u.id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.metadata = Some(json!({ "reason": how, "source_address": ctx.source_address }));
    s.store.append(&entry).await?;
    Ok(())
}
