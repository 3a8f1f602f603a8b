//! Signing in: email and password in, a session token out. Unknown emails cost the same time as
//! known ones and get the same answer; attempts are throttled per address, and per account from
//! each address, so an attacker elsewhere cannot lock a user out.

use std::time::Duration;

use chrono::TimeDelta;
use domain::{Actor, ActorRole, AuditAction, Email, NewAuditEntry, PortalUser, Role, SecondFactor, UserStatus};
use identity::{SessionSubject, SessionToken, TotpSecret, recovery_code_hash};
use ports::{RateDecision, RateLimiter};
use serde_json::json;
use uuid::Uuid;

use super::{AccessFailure, AccessServices};
use crate::RequestContext;

/// The window of the sign-in limits.
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// How many sign-in attempts are allowed in 15 minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// From one address, on one account.
    pub per_account: u32,
    /// From one address, whatever the accounts.
    pub per_address: u32,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_account: 10,
            per_address: 100,
        }
    }
}

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
    /// An enrolled admin gave no second factor, or a wrong or already used one.
    #[error("the second factor is missing or wrong")]
    SecondFactor,
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
    second_factor: Option<&str>,
    ctx: &RequestContext,
) -> Result<SignedIn, SignInError> {
    let address = ctx.source_address.as_deref().unwrap_or("unknown");
    // No email is longer than 254 characters; a longer one must not make a longer limiter key.
    let account: String = email.trim().to_lowercase().chars().take(Email::MAX_LEN).collect();
    throttle(
        s.limiter,
        &format!("login:address:{address}"),
        s.login_limits.per_address,
    )
    .await?;
    throttle(
        s.limiter,
        &format!("login:account:{account}:{address}"),
        s.login_limits.per_account,
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
    let mfa = match (user.role, s.store.second_factor(user.id).await?) {
        (Role::Admin, Some(factor)) => {
            if !second_factor_passes(s, &user, &factor, second_factor).await? {
                record(s, AuditAction::LoginFailed, Some(&user), "second_factor", ctx).await?;
                return Err(SignInError::SecondFactor);
            }
            true
        }
        // Admins without an enrolment get sessions without a second factor: enough for
        // development, refused on admin routes in production until they enrol.
        _ => false,
    };
    let subject = SessionSubject {
        user_id: user.id,
        role: user.role,
        client_id: user.client_id,
        mfa,
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

/// A current authenticator code (spent once) or an unused recovery code.
async fn second_factor_passes(
    s: AccessServices<'_>,
    user: &PortalUser,
    factor: &SecondFactor,
    presented: Option<&str>,
) -> Result<bool, AccessFailure> {
    let Some(presented) = presented.map(str::trim).filter(|p| !p.is_empty()) else {
        return Ok(false);
    };
    let secret = TotpSecret::from_bytes(factor.totp_secret);
    let last = factor.last_used_step.and_then(|step| u64::try_from(step).ok());
    if let Some(step) = secret.verify(presented, s.clock.now(), last) {
        let step = i64::try_from(step).map_err(|e| AccessFailure::Unexpected(e.to_string()))?;
        return Ok(s.store.use_totp_step(user.id, step).await?);
    }
    match recovery_code_hash(presented) {
        Some(hash) => Ok(s
            .store
            .use_recovery_code(user.id, hash.as_bytes(), s.clock.now())
            .await?),
        None => Ok(false),
    }
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
