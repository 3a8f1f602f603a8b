//! Password links and setting a password with one. Only a token's hash is stored or looked up;
//! the plaintext exists only in the email that carries the link, made as it is sent.

use chrono::{DateTime, Utc};
use domain::{
    Actor, ActorRole, AuditAction, EmailContent, MessageId, NewAuditEntry, OutgoingEmail, PortalUser, TokenKind,
    UserId, UserStatus,
};
use identity::{NewPassword, PasswordError, TOKEN_TTL, TokenHash};
use ports::{HashError, UseTokenError};
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

/// Queues a setup or reset email for the user, audited as PASSWORD_TOKEN_ISSUED. Its token is
/// made as it is sent (see [`crate::mail::deliver_due`]): valid for 60 minutes from then,
/// revoking the user's earlier tokens of the kind, and never stored in plaintext while the
/// email waits. Returns the email's id.
///
/// # Errors
/// [`IssueTokenError::UnknownUser`], or a store failure (nothing is queued then).
#[tracing::instrument(skip_all, fields(user_id = %user_id, kind = ?kind))]
pub async fn queue_password_link(
    s: AccessServices<'_>,
    user_id: UserId,
    kind: TokenKind,
    ctx: &RequestContext,
) -> Result<MessageId, IssueTokenError> {
    let user = s
        .store
        .get_user(user_id)
        .await
        .map_err(AccessFailure::from)?
        .ok_or(IssueTokenError::UnknownUser)?;
    let now = s.clock.now();
    let recipient_name = recipient_name(s, &user).await?;
    let minutes = u32::try_from(TOKEN_TTL.num_minutes()).unwrap_or(60);
    let content = match kind {
        TokenKind::Setup => EmailContent::PasswordSetup {
            recipient_name,
            setup_url: s.links.set_password(""),
            expires_in_minutes: minutes,
        },
        TokenKind::Reset => EmailContent::PasswordReset {
            recipient_name,
            reset_url: s.links.reset_password(""),
            expires_in_minutes: minutes,
        },
    };
    let email = outgoing(&user, content, now);
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, AuditAction::PasswordTokenIssued, ctx.actor.clone());
    entry.client_id = user.client_id;
    entry.resource_type = Some("user".into());
    entry.resource_id = Some(user.id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.metadata = Some(json!({ "kind": kind, "message_id": email.id }));
    s.store.queue_email(&email, &entry).await.map_err(AccessFailure::from)?;
    Ok(email.id)
}

#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    /// Unknown, used, revoked or expired: one answer for all, so tokens cannot be probed.
    #[error("the link is invalid or has expired")]
    InvalidToken,
    #[error("the password {0}")]
    WeakPassword(PasswordError),
    /// Too many passwords are being hashed at once; the token is not spent.
    #[error("too many passwords are being set at once; retry in {} s", retry_after.as_secs())]
    Busy { retry_after: std::time::Duration },
    #[error(transparent)]
    Failure(#[from] AccessFailure),
}

/// Sets the password of the token's user: the token is spent, an invited user becomes active,
/// and every other session of the user ends. Does not sign in.
///
/// # Errors
/// [`SetPasswordError`] saying why; nothing changes then.
#[tracing::instrument(skip_all)]
pub async fn set_password(
    s: AccessServices<'_>,
    token: &str,
    password: &str,
    ctx: &RequestContext,
) -> Result<PasswordSet, SetPasswordError> {
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
    // Disabling revokes a user's tokens; this holds even for one issued in the same instant.
    if user.status == UserStatus::Disabled {
        return Err(SetPasswordError::InvalidToken);
    }
    let stored = s.hasher.hash(password.expose()).await.map_err(|error| match error {
        HashError::Busy { retry_after } => SetPasswordError::Busy { retry_after },
        HashError::Failed(e) => AccessFailure::Unexpected(e.to_string()).into(),
    })?;

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
    let notice = outgoing(
        &user,
        EmailContent::PasswordChanged {
            recipient_name: recipient_name(s, &user).await?,
            changed_at: now,
            forgot_password_url: s.links.forgot_password(),
        },
        now,
    );
    match s
        .store
        .set_password_with_token(token.id, &stored, now, &notice, &entry)
        .await
    {
        Ok(()) => {}
        Err(UseTokenError::Invalid) => return Err(SetPasswordError::InvalidToken),
        Err(UseTokenError::Store(e)) => return Err(AccessFailure::from(e).into()),
    }
    let user = s
        .store
        .get_user(user.id)
        .await
        .map_err(AccessFailure::from)?
        .ok_or(SetPasswordError::InvalidToken)?;
    Ok(PasswordSet { user, kind: token.kind })
}

/// A password set from a link: the user as they now are, and which link it was.
#[derive(Debug, Clone)]
pub struct PasswordSet {
    pub user: PortalUser,
    pub kind: domain::TokenKind,
}

/// What an email calls the user: the client's name, or for an admin the address itself.
async fn recipient_name(s: AccessServices<'_>, user: &PortalUser) -> Result<String, AccessFailure> {
    let Some(client_id) = user.client_id else {
        return Ok(user.email.as_str().to_owned());
    };
    Ok(s.store.get_client(client_id).await?.map_or_else(
        || user.email.as_str().to_owned(),
        |c| c.details.full_name.as_str().to_owned(),
    ))
}

fn outgoing(user: &PortalUser, content: EmailContent, now: DateTime<Utc>) -> OutgoingEmail {
    OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: user.client_id,
        to: user.email.clone(),
        content,
        created_at: now,
    }
}
