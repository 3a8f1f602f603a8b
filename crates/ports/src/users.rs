//! Portal users and their password tokens. As elsewhere, every change takes the audit entry that
//! records it and MUST write both in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    Client, Email, NewAuditEntry, OutgoingEmail, PasswordToken, PortalUser, SecondFactor, StoredPasswordHash, UserId,
    UserStatus,
};

use crate::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("a user with this email exists")]
    DuplicateEmail,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum UseTokenError {
    /// Used, revoked or expired by the time the change was attempted (or never existed).
    #[error("the token is not valid")]
    Invalid,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[async_trait]
pub trait UserRepository: Send + Sync {
    /// # Errors
    /// MUST return [`CreateUserError::DuplicateEmail`] when a user with the same (normalised)
    /// email exists; nothing is written then.
    async fn create_user(&self, user: &PortalUser, audit: &NewAuditEntry) -> Result<(), CreateUserError>;

    /// # Errors
    /// [`StoreError`] when the store fails; an unknown id is `Ok(None)`.
    async fn get_user(&self, id: UserId) -> Result<Option<PortalUser>, StoreError>;

    /// # Errors
    /// [`StoreError`] when the store fails; an unknown email is `Ok(None)`.
    async fn find_user_by_email(&self, email: &Email) -> Result<Option<PortalUser>, StoreError>;

    /// Sets the user's status. Disabling also moves `sessions_valid_after` to `now`, so every
    /// session issued before is refused, and revokes every unused setup and reset token, in the
    /// same transaction. MUST refuse with [`StatusChange::LastActiveAdmin`] to disable the only
    /// active admin, even when two admins disable each other at once; an unknown user is
    /// [`StatusChange::UnknownUser`]. A refusal writes nothing.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn set_user_status(
        &self,
        id: UserId,
        status: UserStatus,
        now: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<StatusChange, StoreError>;
}

/// What [`UserRepository::set_user_status`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Changed,
    UnknownUser,
    /// Disabling this user would leave no active admin to run the service.
    LastActiveAdmin,
}

#[async_trait]
pub trait PasswordTokenRepository: Send + Sync {
    /// Stores a new token and revokes every earlier unused token of the same user and kind,
    /// atomically. Called as the email carrying its link is sent, so no plaintext token ever
    /// waits in the database.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; nothing is written then.
    async fn issue_password_token(&self, token: &PasswordToken) -> Result<(), StoreError>;

    /// The token stored under this SHA-256 hash, whatever its state.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn find_password_token(&self, token_hash: &[u8; 32]) -> Result<Option<PasswordToken>, StoreError>;

    /// Uses the token to set its user's password, atomically: marks the token used, stores the
    /// hash, sets the password SET, activates an INVITED user, moves `sessions_valid_after` to
    /// `now` (ending other sessions), queues the notice email and writes the audit entry. Of
    /// concurrent calls with one token exactly one succeeds.
    ///
    /// # Errors
    /// MUST return [`UseTokenError::Invalid`] when the token is used, revoked or expired at
    /// `now`, writing nothing.
    async fn set_password_with_token(
        &self,
        token_id: uuid::Uuid,
        password_hash: &StoredPasswordHash,
        now: DateTime<Utc>,
        notice: &OutgoingEmail,
        audit: &NewAuditEntry,
    ) -> Result<(), UseTokenError>;
}

#[async_trait]
pub trait SecondFactorRepository: Send + Sync {
    /// Enrols (or re-enrols) the user's TOTP secret, already encrypted by the caller, and
    /// replaces their recovery codes (stored as SHA-256 hashes), with the audit entry, atomically.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; nothing changes then.
    async fn enrol_second_factor(
        &self,
        user: UserId,
        sealed_totp_secret: &[u8],
        recovery_code_hashes: &[[u8; 32]],
        now: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;

    /// # Errors
    /// [`StoreError`] when the store fails; no enrolment is `Ok(None)`.
    async fn second_factor(&self, user: UserId) -> Result<Option<SecondFactor>, StoreError>;

    /// Every enrolment whose stored secret is exactly `len` bytes long, with those bytes: how
    /// the server finds secrets stored in the clear before encryption at rest, to seal them.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn second_factors_of_length(&self, len: usize) -> Result<Vec<(UserId, Vec<u8>)>, StoreError>;

    /// Replaces the user's stored secret `old` by `new` with the audit entry, atomically. MUST
    /// return false (changing nothing) when the stored secret is no longer `old`: a re-enrolment
    /// that raced the replacement wins.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn replace_totp_secret(
        &self,
        user: UserId,
        old: &[u8],
        new: &[u8],
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;

    /// Records that a code for time step `step` was accepted. MUST return false (changing
    /// nothing) unless `step` is later than the last accepted one, so a code works once even
    /// when two sign-ins race with it.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError>;

    /// Spends the recovery code with this hash. MUST return false when the user has no such
    /// unused code; of racing calls with one code, one succeeds.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// Ends one session before it expires, with the audit entry, atomically. Revocations whose
    /// session has expired by `now` may be forgotten.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; the session stays valid then.
    async fn revoke_session(
        &self,
        session_id: uuid::Uuid,
        user: UserId,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError>;

    /// Everything a request's session is checked against, in one read: the user, whether this
    /// session was ended, and the user's client if it has one; `with_portfolio`, also the
    /// client's evidence version and stored portfolio (the dashboard's routes: one statement a
    /// request). `None` for an unknown user.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn session_principal(
        &self,
        user: UserId,
        session_id: uuid::Uuid,
        with_portfolio: bool,
    ) -> Result<Option<SessionPrincipal>, StoreError>;
}

/// What [`SessionRepository::session_principal`] reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPrincipal {
    pub user: PortalUser,
    /// True when this session was ended before it expires.
    pub session_revoked: bool,
    /// The user's client, when the user has one and it exists.
    pub client: Option<Client>,
    /// The client's portfolio as stored, when asked for and the user has a client.
    pub portfolio: Option<crate::PortfolioRead>,
}
