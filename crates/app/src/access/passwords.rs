//! Password tokens and setting a password with one. Only a token's hash is stored or looked up;
//! the plaintext leaves here once, for the email that carries the link.

use domain::{Actor, ActorRole, AuditAction, NewAuditEntry, PortalUser, TokenKind, UserId};
use identity::{NewPassword, PasswordError, TokenHash, TokenPlaintext, issue_token};
use ports::UseTokenError;
use serde_json::json;
use uuid::Uuid;

use super::{AccessFailure, AccessServices};
use crate::RequestContext;

#[derive(Debug, thiserror::Error)]
pub enum IssueTokenError {
    #[error("no such user")]
    UnknownUser,
    #[error(transparent)]
    Failure(#[from] AccessFailure),
}

/// Issues a setup or reset token for the user, revoking earlier ones of the same kind; returns the
/// plaintext for the link, valid for 60 minutes.
///
/// # Errors
/// [`IssueTokenError::UnknownUser`], or a store failure (nothing is issued then).
pub async fn issue_password_token(
    s: AccessServices<'_>,
    user_id: UserId,
    kind: TokenKind,
    ctx: &RequestContext,
) -> Result<TokenPlaintext, IssueTokenError> {
    let user = s
        .store
        .get_user(user_id)
        .await
        .map_err(AccessFailure::from)?
        .ok_or(IssueTokenError::UnknownUser)?;
    let now = s.clock.now();
    let issued = issue_token(kind, now, s.rng);
    let token = domain::PasswordToken {
        id: Uuid::now_v7(),
        user_id,
        kind,
        token_hash: issued.hash.to_bytes(),
        created_at: now,
        expires_at: issued.expires_at,
        used_at: None,
        revoked_at: None,
    };
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, AuditAction::PasswordTokenIssued, ctx.actor.clone());
    entry.client_id = user.client_id;
    entry.resource_type = Some("user".into());
    entry.resource_id = Some(user.id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.metadata = Some(json!({ "kind": kind, "expires_at": issued.expires_at }));
    s.store
        .issue_password_token(&token, &entry)
        .await
        .map_err(AccessFailure::from)?;
    Ok(issued.plaintext)
}

#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    /// Unknown, used, revoked or expired: one answer for all, so tokens cannot be probed.
    #[error("the link is invalid or has expired")]
    InvalidToken,
    #[error("the password {0}")]
    WeakPassword(PasswordError),
    #[error(transparent)]
    Failure(#[from] AccessFailure),
}

/// Sets the password of the token's user: the token is spent, an invited user becomes active,
/// and every other session of the user ends. Does not sign in.
///
/// # Errors
/// [`SetPasswordError`] saying why; nothing changes then.
pub async fn set_password(
    s: AccessServices<'_>,
    token: &str,
    password: &str,
    ctx: &RequestContext,
) -> Result<PortalUser, SetPasswordError> {
    let password = NewPassword::parse(password).map_err(SetPasswordError::WeakPassword)?;
    let now = s.clock.now();
    let hash = TokenHash::of(token);
    let token = s
        .store
        .find_password_token(hash.as_bytes())
        .await
        .map_err(AccessFailure::from)?
        .filter(|t| t.is_usable_at(now))
        .ok_or(SetPasswordError::InvalidToken)?;
    let user = s
        .store
        .get_user(token.user_id)
        .await
        .map_err(AccessFailure::from)?
        .ok_or(SetPasswordError::InvalidToken)?;
    let stored = s
        .hasher
        .hash(password.expose())
        .await
        .map_err(|e| AccessFailure::Unexpected(e.to_string()))?;

    let actor = Actor {
        role: ActorRole::from(user.role),
        id: Some(user.id.to_string()),
    };
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, AuditAction::PasswordSet, actor);
    entry.client_id = user.client_id;
    entry.resource_type = Some("user".into());
    entry.resource_id = Some(user.id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.before = Some(json!({ "status": user.status, "password_status": user.password_status }));
    entry.metadata = Some(json!({ "token_kind": token.kind }));
    match s.store.set_password_with_token(token.id, &stored, now, &entry).await {
        Ok(()) => {}
        Err(UseTokenError::Invalid) => return Err(SetPasswordError::InvalidToken),
        Err(UseTokenError::Store(e)) => return Err(AccessFailure::from(e).into()),
    }
    s.store
        .get_user(user.id)
        .await
        .map_err(AccessFailure::from)?
        .ok_or(SetPasswordError::InvalidToken)
}
