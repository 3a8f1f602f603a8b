//! Creating portal users and switching them on and off.

use domain::{AuditAction, Client, Email, NewAuditEntry, PasswordStatus, PortalUser, Role, UserId, UserStatus};
use identity::{NewPassword, PasswordError};
use ports::{CreateUserError, StatusChange};
use serde_json::json;
use uuid::Uuid;

use super::{AccessFailure, AccessServices};
use crate::RequestContext;

#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    #[error("the email is not valid")]
    InvalidEmail,
    #[error("the password {0}")]
    WeakPassword(PasswordError),
    #[error("a user with this email exists")]
    Duplicate,
    #[error(transparent)]
    Failure(#[from] AccessFailure),
}

/// Creates an active admin with a password (the first admin comes from the command line).
///
/// # Errors
/// [`CreateAdminError`] saying why; nothing is stored then.
#[tracing::instrument(skip_all)]
pub async fn create_admin(
    s: AccessServices<'_>,
    email: &str,
    password: &str,
    ctx: &RequestContext,
) -> Result<PortalUser, CreateAdminError> {
    let email = Email::parse(email).map_err(|_| CreateAdminError::InvalidEmail)?;
    let password = NewPassword::parse(password).map_err(CreateAdminError::WeakPassword)?;
    let hash = s
        .hasher
        .hash(password.expose())
        .await
        .map_err(|e| AccessFailure::Unexpected(e.to_string()))?;
    let now = s.clock.now();
    let user = PortalUser {
        id: UserId::from_uuid(Uuid::now_v7()),
        email,
        role: Role::Admin,
        client_id: None,
        status: UserStatus::Active,
        password_status: PasswordStatus::Set,
        password_hash: Some(hash),
        sessions_valid_after: now,
        created_at: now,
        updated_at: now,
    };
    let entry = user_entry(&user, AuditAction::UserCreated, ctx, s);
    match s.store.create_user(&user, &entry).await {
        Ok(()) => Ok(user),
        Err(CreateUserError::DuplicateEmail) => Err(CreateAdminError::Duplicate),
        Err(CreateUserError::Store(e)) => Err(AccessFailure::from(e).into()),
    }
}

/// Creates the client's portal user, INVITED with no password, under the client's email.
///
/// # Errors
/// [`CreateUserError::DuplicateEmail`] when that email already has a user.
#[tracing::instrument(skip_all, fields(client_id = %client.id))]
pub async fn invite_client_user(
    s: AccessServices<'_>,
    client: &Client,
    ctx: &RequestContext,
) -> Result<PortalUser, CreateUserError> {
    let now = s.clock.now();
    let user = PortalUser {
        id: UserId::from_uuid(Uuid::now_v7()),
        email: client.details.email.clone(),
        role: Role::Client,
        client_id: Some(client.id),
        status: UserStatus::Invited,
        password_status: PasswordStatus::NotSet,
        password_hash: None,
        sessions_valid_after: now,
        created_at: now,
        updated_at: now,
    };
    let entry = user_entry(&user, AuditAction::UserCreated, ctx, s);
    s.store.create_user(&user, &entry).await?;
    Ok(user)
}

#[derive(Debug, thiserror::Error)]
pub enum SetUserEnabledError {
    #[error("no user has this id")]
    UnknownUser,
    /// Someone must be left to run the service.
    #[error("this is the last active admin; enable or create another admin first")]
    LastActiveAdmin,
    #[error(transparent)]
    Failure(#[from] AccessFailure),
}

/// Disables (ending every session at once and revoking every unused password link) or
/// re-enables a user. The last active admin cannot be disabled.
///
/// # Errors
/// [`SetUserEnabledError`] saying why nothing changed.
#[tracing::instrument(skip_all, fields(user_id = %user_id, enabled))]
pub async fn set_user_enabled(
    s: AccessServices<'_>,
    user_id: UserId,
    enabled: bool,
    ctx: &RequestContext,
) -> Result<PortalUser, SetUserEnabledError> {
    let user = s
        .store
        .get_user(user_id)
        .await
        .map_err(AccessFailure::from)?
        .ok_or(SetUserEnabledError::UnknownUser)?;
    let (status, action) = if enabled {
        let back = if user.password_status == PasswordStatus::Set {
            UserStatus::Active
        } else {
            UserStatus::Invited
        };
        (back, AuditAction::UserEnabled)
    } else {
        (UserStatus::Disabled, AuditAction::UserDisabled)
    };
    let mut entry = user_entry(&user, action, ctx, s);
    entry.before = Some(json!({ "status": user.status }));
    entry.after = Some(json!({ "status": status }));
    let change = s
        .store
        .set_user_status(user_id, status, s.clock.now(), &entry)
        .await
        .map_err(AccessFailure::from)?;
    match change {
        StatusChange::Changed => {}
        StatusChange::UnknownUser => return Err(SetUserEnabledError::UnknownUser),
        StatusChange::LastActiveAdmin => return Err(SetUserEnabledError::LastActiveAdmin),
    }
    s.store
        .get_user(user_id)
        .await
        .map_err(AccessFailure::from)?
        .ok_or(SetUserEnabledError::UnknownUser)
}

fn user_entry(user: &PortalUser, action: AuditAction, ctx: &RequestContext, s: AccessServices<'_>) -> NewAuditEntry {
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), s.clock.now(), action, ctx.actor.clone());
    entry.client_id = user.client_id;
    entry.resource_type = Some("user".into());
    entry.resource_id = Some(user.id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.after = Some(json!({ "role": user.role, "status": user.status, "email": user.email }));
    entry
}

/// What an admin needs to set up an authenticator app, shown once.
#[derive(Debug)]
pub struct Enrolment {
    /// `otpauth://` URI for a QR code.
    pub provisioning_uri: String,
    /// The secret in base32, to type in by hand.
    pub secret_base32: String,
    /// Ten single-use recovery codes; only their hashes are stored.
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EnrolError {
    #[error("no admin has this email")]
    NotAnAdmin,
    #[error(transparent)]
    Failure(#[from] AccessFailure),
}

/// Gives an admin a new TOTP secret and new recovery codes, replacing any earlier ones.
///
/// # Errors
/// [`EnrolError::NotAnAdmin`] for an unknown email or a client user.
pub async fn enrol_second_factor(
    s: AccessServices<'_>,
    email: &str,
    ctx: &RequestContext,
) -> Result<Enrolment, EnrolError> {
    let email = Email::parse(email).map_err(|_| EnrolError::NotAnAdmin)?;
    let user = s.store.find_user_by_email(&email).await.map_err(AccessFailure::from)?;
    let user = user.filter(|u| u.role == Role::Admin).ok_or(EnrolError::NotAnAdmin)?;
    let secret = identity::TotpSecret::generate(s.rng);
    let (codes, hashes) = identity::generate_recovery_codes(s.rng);
    let hashes: Vec<[u8; 32]> = hashes.into_iter().map(identity::TokenHash::to_bytes).collect();
    let entry = user_entry(&user, AuditAction::SecondFactorEnrolled, ctx, s);
    let sealed = s.totp_key.seal(user.id, &secret, s.rng);
    s.store
        .enrol_second_factor(user.id, &sealed, &hashes, s.clock.now(), &entry)
        .await
        .map_err(AccessFailure::from)?;
    Ok(Enrolment {
        provisioning_uri: secret.provisioning_uri(&user.email),
        secret_base32: secret.to_base32(),
        recovery_codes: codes,
    })
}

/// Encrypts every TOTP secret still stored in the clear (enrolled before encryption at rest),
/// audited as SECOND_FACTOR_ENCRYPTED, one by one; a secret re-enrolled meanwhile is left alone.
/// The server runs it at start, since a SQL migration cannot know the key. Returns how many
/// were encrypted.
///
/// # Errors
/// A store failure; the secrets encrypted before it stay encrypted.
pub async fn encrypt_clear_second_factors(s: AccessServices<'_>) -> Result<usize, AccessFailure> {
    let mut encrypted = 0;
    for (user_id, clear) in s.store.second_factors_of_length(identity::TOTP_SECRET_BYTES).await? {
        let Ok(bytes) = <[u8; identity::TOTP_SECRET_BYTES]>::try_from(clear.as_slice()) else {
            continue;
        };
        let sealed = s
            .totp_key
            .seal(user_id, &identity::TotpSecret::from_bytes(bytes), s.rng);
        let mut entry = NewAuditEntry::new(
            Uuid::now_v7(),
            s.clock.now(),
            AuditAction::SecondFactorEncrypted,
            domain::Actor::system(),
        );
        entry.resource_type = Some("user".into());
        entry.resource_id = Some(user_id.to_string());
        if s.store.replace_totp_secret(user_id, &clear, &sealed, &entry).await? {
            encrypted += 1;
        }
    }
    Ok(encrypted)
}
