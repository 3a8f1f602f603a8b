//! Sessions on requests: the token from `Authorization: Bearer` or the session cookie, verified,
//! its user loaded, and the route's guard applied. A refusal is answered with its reason and
//! where to go next, and audited as ROUTE_GUARD_REDIRECT.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use app::access::{Refusal, admin_guard, client_guard, session_guard};
use domain::{Actor, ActorRole, AuditAction, Client, NewAuditEntry, PortalUser, RequestId};
use futures_util::future::LocalBoxFuture;
use identity::SessionClaims;
use serde_json::json;
use uuid::Uuid;

use crate::http::problem::ApiError;
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE: &str = "cv_session";

/// A verified session of an enabled user whose sessions have not been ended.
#[derive(Debug)]
pub struct SignedIn {
    pub claims: SessionClaims,
    pub user: PortalUser,
}

/// A session allowed on client routes: the client's user, password set, account provisioned,
/// user active; with its client.
#[derive(Debug)]
pub struct ClientSession {
    pub session: SignedIn,
    pub client: Client,
}

/// A session allowed on admin routes.
#[derive(Debug)]
pub struct AdminSession(pub SignedIn);

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("the application state is missing")))
}

fn token(req: &HttpRequest) -> Option<String> {
    let bearer = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    bearer.or_else(|| req.cookie(COOKIE).map(|c| c.value().to_owned()))
}

/// Verifies the request's session and applies the rules every signed-in route shares.
async fn authenticate(state: &AppState, req: &HttpRequest) -> Result<SignedIn, ApiError> {
    let Some(token) = token(req) else {
        return Err(refuse(state, req, None, Refusal::NotSignedIn).await);
    };
    let Ok(claims) = state.sessions.verify(&token, state.clock.now()) else {
        return Err(refuse(state, req, None, Refusal::NotSignedIn).await);
    };
    let Some(user) = state.store.get_user(claims.user_id()).await? else {
        return Err(refuse(state, req, None, Refusal::NotSignedIn).await);
    };
    if let Err(refusal) = session_guard(&user, claims.issued_at()) {
        return Err(refuse(state, req, Some(&user), refusal).await);
    }
    if state.store.is_session_revoked(claims.session_id()).await? {
        return Err(refuse(state, req, Some(&user), Refusal::SessionEnded).await);
    }
    Ok(SignedIn { claims, user })
}

/// Audits the refusal (best effort: a failing audit write is logged, the refusal stands).
async fn refuse(state: &AppState, req: &HttpRequest, user: Option<&PortalUser>, refusal: Refusal) -> ApiError {
    let actor = match user {
        Some(user) => Actor {
            role: ActorRole::from(user.role),
            id: Some(user.id.to_string()),
        },
        None => Actor::anonymous(),
    };
    let mut entry = NewAuditEntry::new(
        Uuid::now_v7(),
        state.clock.now(),
        AuditAction::RouteGuardRedirect,
        actor,
    );
    entry.client_id = user.and_then(|u| u.client_id);
    entry.request_id = req.extensions().get::<RequestId>().cloned();
    entry.metadata = Some(json!({
        "reason": refusal.reason(),
        "next": refusal.next(),
        "method": req.method().as_str(),
        "path": req.path(),
    }));
    if let Err(error) = state.store.append(&entry).await {
        tracing::error!(error = ?error, "could not audit a route guard refusal");
    }
    ApiError::Refused(refusal)
}

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { authenticate(&*state(&req)?, &req).await })
    }
}

impl FromRequest for AdminSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state(&req)?;
            let session = authenticate(&state, &req).await?;
            let verdict = admin_guard(
                &session.user,
                session.claims.issued_at(),
                session.claims.mfa(),
                state.admin_second_factor_required,
            );
            match verdict {
                Ok(()) => Ok(Self(session)),
                Err(refusal) => Err(refuse(&state, &req, Some(&session.user), refusal).await),
            }
        })
    }
}

impl FromRequest for ClientSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state(&req)?;
            let session = authenticate(&state, &req).await?;
            let client = match session.user.client_id {
                Some(id) => state.store.get_client(id).await?,
                None => None,
            };
            match (
                client_guard(&session.user, client.as_ref(), session.claims.issued_at()),
                client,
            ) {
                (Ok(()), Some(client)) => Ok(Self { session, client }),
                (Err(refusal), _) => Err(refuse(&state, &req, Some(&session.user), refusal).await),
                (Ok(()), None) => Err(refuse(&state, &req, Some(&session.user), Refusal::NotProvisioned).await),
            }
        })
    }
}
