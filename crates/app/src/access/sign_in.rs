//! Signing in: email and password in, a session token out. Unknown emails cost the same time as
//! known ones and get the same answer; attempts are throttled per address, per account from each
//! address, per account from everywhere, and second-factor codes per account, each as a sliding
//! window, so guessing stays slow and no one can lock a user out for good.

use std::time::Duration;

use chrono::TimeDelta;
use domain::{Actor, ActorRole, AuditAction, Email, NewAuditEntry, PortalUser, Role, SecondFactor, UserStatus};
use identity::{SessionSubject, SessionToken, TotpSecret, recovery_code_hash};
use ports::HashError;
use serde_json::json;
use uuid::Uuid;

use super::{AccessFailure, AccessServices};
use crate::RequestContext;
use crate::limits::{self, Limit, WhenFull};

/// The window of the sign-in limits.
const WINDOW: Duration = Duration::from_secs(15 * 60);

/// How many sign-in attempts are allowed in 15 minutes. Every limit is a sliding window: an
/// attempt is allowed again as soon as the oldest counted one is 15 minutes old, so no number of
/// failures locks an account for good, and nothing needs unlocking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// From one address, on one account.
    pub per_account: u32,
    /// From one address, whatever the accounts.
    pub per_address: u32,
    /// On one account, from every address together: an attacker with many addresses still
    /// gets only this many guesses per window.
    pub per_account_all_addresses: u32,
    /// Authenticator or recovery codes tried on one account, from every address together.
    pub second_factor_per_account: u32,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_account: 10,
            per_address: 100,
            per_account_all_addresses: 50,
            second_factor_per_account: 10,
        }
    }
}

impl LoginLimits {
    fn limit(name: &'static str, attempts: u32) -> Limit {
        Limit {
            name,
            attempts,
            window: WINDOW,
            when_full: WhenFull::Refuse,
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
    /// Too many passwords are being checked at once; this one was not checked.
    #[error("too many sign-ins at once; retry in {} s", retry_after.as_secs())]
    Busy { retry_after: Duration },
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
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    s: AccessServices<'_>,
    email: &str,
    password: &str,
    second_factor: Option<&str>,
    ctx: &RequestContext,
) -> Result<SignedIn, SignInError> {
    let address = ctx.address_bucket().unwrap_or_else(|| "unknown".to_owned());
    // No email is longer than 254 characters; a longer one must not make a longer limiter key.
    let account: String = email.trim().to_lowercase().chars().take(Email::MAX_LEN).collect();
    let limits = s.login_limits;
    throttle(
        s,
        &format!("login:address:{address}"),
        LoginLimits::limit("sign-in per address", limits.per_address),
    )
    .await?;
    throttle(
        s,
        &format!("login:account:{account}:{address}"),
        LoginLimits::limit("sign-in per account and address", limits.per_account),
    )
    .await?;
    throttle(
        s,
        &format!("login:account:{account}"),
        LoginLimits::limit("sign-in per account", limits.per_account_all_addresses),
    )
    .await?;

    let user = match Email::parse(email) {
        Ok(email) => s.store.find_user_by_email(&email).await?,
        Err(_) => None,
    };
    let password_matches = s
        .hasher
        .verify(password, user.as_ref().and_then(|u| u.password_hash.as_ref()))
        .await
        .map_err(|error| match error {
            HashError::Busy { retry_after } => SignInError::Busy { retry_after },
            HashError::Failed(e) => AccessFailure::Unexpected(e.to_string()).into(),
        })?;
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
            throttle(
                s,
                &format!("second-factor:{}", user.id),
                LoginLimits::limit("second factor per account", limits.second_factor_per_account),
            )
            .await?;
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

/// Signs in a client who has just set their first password from the setup link: the emailed
/// link proved the address and the password was chosen a moment ago. Only a client's first
/// password: after a reset the user signs in again, and operators sign in with their second
/// factor. `None` when this does not apply. Audited as LOGIN_SUCCEEDED (`password-setup`).
///
/// # Errors
/// [`AccessFailure`] when the store fails.
pub async fn sign_in_after_setup(
    s: AccessServices<'_>,
    set: &super::PasswordSet,
    ctx: &RequestContext,
) -> Result<Option<SignedIn>, AccessFailure> {
    let user = &set.user;
    if set.kind != domain::TokenKind::Setup || user.role != domain::Role::Client {
        return Ok(None);
    }
    let subject = SessionSubject {
        user_id: user.id,
        role: user.role,
        client_id: user.client_id,
        mfa: false,
    };
    let issued = s
        .sessions
        .issue(&subject, s.clock.now(), s.rng)
        .map_err(|e| AccessFailure::Unexpected(e.to_string()))?;
    record(s, AuditAction::LoginSucceeded, Some(user), "password-setup", ctx).await?;
    Ok(Some(SignedIn {
        user: user.clone(),
        token: issued.token,
        expires_in: s.sessions.ttl(),
    }))
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
    let secret = match s.totp_key.open(user.id, &factor.totp_secret) {
        Ok(secret) => secret,
        // Clear bytes only remain between an upgrade and the start that encrypts them.
        Err(error) => match <[u8; identity::TOTP_SECRET_BYTES]>::try_from(factor.totp_secret.as_slice()) {
            Ok(clear) => TotpSecret::from_bytes(clear),
            Err(_) => {
                return Err(AccessFailure::Unexpected(format!(
                    "the second factor of user {} cannot be read: {error} (was TOTP_ENCRYPTION_KEY changed?)",
                    user.id
                )));
            }
        },
    };
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

async fn throttle(s: AccessServices<'_>, key: &str, limit: Limit) -> Result<(), SignInError> {
    limits::count(s.limiter, key, limit)
        .await
        .map_err(|retry_after| SignInError::Throttled { retry_after })
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
