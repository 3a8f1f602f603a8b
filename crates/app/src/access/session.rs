//! Sessions on requests: a presented token verified, its user loaded, the route's guard applied,
//! a refusal audited; and signing out. The driving side only finds the token and renders.

use domain::{Actor, ActorRole, AuditAction, Client, NewAuditEntry, PortalUser};
use identity::SessionClaims;
use ports::{PortfolioRead, SessionPrincipal};
use serde_json::json;
use uuid::Uuid;

use super::{
    AccessFailure, AccessServices, Refusal, RefusedRequest, admin_guard, audit_refusal, client_guard, session_guard,
};
use crate::RequestContext;

/// The guard a route applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Any live session of an enabled user.
    SignedIn,
    /// An active admin, with a second factor where `second_factor_required`.
    Admin { second_factor_required: bool },
    /// A provisioned client's active user.
    Client,
}

/// A session that passed its route's guard.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub claims: SessionClaims,
    pub user: PortalUser,
    /// The user's client, for [`Guard::Client`].
    pub client: Option<Client>,
    /// The client's stored portfolio, read with the session by [`authenticate_with_portfolio`].
    pub portfolio: Option<PortfolioRead>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Refused by the guard; `audited` is false for a repeat within the minute (not written).
    #[error("refused: {}", refusal.reason())]
    Refused { refusal: Refusal, audited: bool },
    #[error(transparent)]
    Failure(#[from] AccessFailure),
}

/// Verifies `token` (from a bearer header or the session cookie) and applies `guard`; a refusal
/// is audited as ROUTE_GUARD_REDIRECT (see [`audit_refusal`]) before it is returned.
///
/// # Errors
/// [`AuthError::Refused`] with the reason and where to go next.
#[tracing::instrument(skip_all, fields(route = request.route))]
pub async fn authenticate(
    s: AccessServices<'_>,
    token: Option<&str>,
    guard: Guard,
    request: RefusedRouteInfo<'_>,
    ctx: &RequestContext,
) -> Result<Authenticated, AuthError> {
    authenticate_reading(s, token, guard, false, request, ctx).await
}

/// [`authenticate`] under [`Guard::Client`], with the client's stored portfolio read in the same
/// statement (for [`crate::documents::portfolio`]): the dashboard is then one read.
///
/// # Errors
/// As [`authenticate`].
#[tracing::instrument(skip_all, fields(route = request.route))]
pub async fn authenticate_with_portfolio(
    s: AccessServices<'_>,
    token: Option<&str>,
    request: RefusedRouteInfo<'_>,
    ctx: &RequestContext,
) -> Result<Authenticated, AuthError> {
    authenticate_reading(s, token, Guard::Client, true, request, ctx).await
}

async fn authenticate_reading(
    s: AccessServices<'_>,
    token: Option<&str>,
    guard: Guard,
    with_portfolio: bool,
    request: RefusedRouteInfo<'_>,
    ctx: &RequestContext,
) -> Result<Authenticated, AuthError> {
    match check(s, token, guard, with_portfolio).await? {
        Ok(authenticated) => Ok(authenticated),
        Err((refusal, user)) => {
            let refused = RefusedRequest {
                refusal,
                method: request.method,
                route: request.route,
            };
            let audited = match audit_refusal(s, user.as_ref(), refused, ctx).await {
                Ok(audited) => audited,
                Err(error) => {
                    tracing::error!(error = ?error, "could not audit a route guard refusal");
                    false
                }
            };
            Err(AuthError::Refused { refusal, audited })
        }
    }
}

/// The route a request asked for, for the audit of a refusal.
#[derive(Debug, Clone, Copy)]
pub struct RefusedRouteInfo<'a> {
    pub method: &'a str,
    /// The route pattern, not the path asked.
    pub route: &'a str,
}

type Checked = Result<Authenticated, (Refusal, Option<PortalUser>)>;

async fn check(
    s: AccessServices<'_>,
    token: Option<&str>,
    guard: Guard,
    with_portfolio: bool,
) -> Result<Checked, AccessFailure> {
    let Some(claims) = token.and_then(|t| s.sessions.verify(t, s.clock.now()).ok()) else {
        return Ok(Err((Refusal::NotSignedIn, None)));
    };
    // One read for the user, the session's revocation and the client: every request pays it.
    let read = s
        .store
        .session_principal(claims.user_id(), claims.session_id(), with_portfolio);
    let Some(principal) = read.await? else {
        return Ok(Err((Refusal::NotSignedIn, None)));
    };
    let SessionPrincipal {
        user,
        session_revoked,
        client,
        portfolio,
    } = principal;
    if let Err(refusal) = session_guard(&user, claims.issued_at()) {
        return Ok(Err((refusal, Some(user))));
    }
    if session_revoked {
        return Ok(Err((Refusal::SessionEnded, Some(user))));
    }
    let issued = claims.issued_at();
    let (verdict, client) = match guard {
        Guard::SignedIn => (Ok(()), None),
        Guard::Admin { second_factor_required } => {
            (admin_guard(&user, issued, claims.mfa(), second_factor_required), None)
        }
        Guard::Client => (client_guard(&user, client.as_ref(), issued), client),
    };
    Ok(match verdict {
        Ok(()) if guard == Guard::Client && client.is_none() => Err((Refusal::NotProvisioned, Some(user))),
        Ok(()) => Ok(Authenticated {
            claims,
            user,
            client,
            portfolio,
        }),
        Err(refusal) => Err((refusal, Some(user))),
    })
}

/// Ends this session at once (the user's other sessions go on), audited as LOGGED_OUT.
///
/// # Errors
/// [`AccessFailure`] when the store fails; the session then stays.
#[tracing::instrument(skip_all, fields(user_id = %user.id))]
pub async fn sign_out(
    s: AccessServices<'_>,
    claims: &SessionClaims,
    user: &PortalUser,
    ctx: &RequestContext,
) -> Result<(), AccessFailure> {
    let actor = Actor {
        role: ActorRole::from(user.role),
        id: Some(user.id.to_string()),
    };
    let now = s.clock.now();
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, AuditAction::LoggedOut, actor);
    entry.client_id = user.client_id;
    entry.resource_type = Some("user".into());
    entry.resource_id = Some(user.id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.metadata = Some(json!({ "session_id": claims.session_id() }));
    s.store
        .revoke_session(claims.session_id(), user.id, claims.expires_at(), now, &entry)
        .await?;
    Ok(())
}
