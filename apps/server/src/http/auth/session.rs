//! Sessions on requests: the token from `Authorization: Bearer` or the session cookie, verified,
//! its user loaded, and the route's guard applied. A refusal is answered with its reason and
//! where to go next, and audited as ROUTE_GUARD_REDIRECT.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use app::access::{Refusal, RefusedRequest, admin_guard, client_guard, session_guard};
use chrono::{DateTime, Utc};
use domain::{Client, PortalUser};
use futures_util::future::LocalBoxFuture;
use identity::SessionClaims;

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

/// Audits the refusal (best effort: a failing audit write is logged, the refusal stands). Only
/// the first per address, route and reason in a minute is written; the tally counts the rest.
async fn refuse(state: &AppState, req: &HttpRequest, user: Option<&PortalUser>, refusal: Refusal) -> ApiError {
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let request = RefusedRequest {
        refusal,
        method: req.method().as_str(),
        route: &route,
    };
    match app::access::audit_refusal(state.access(), user, request, &state.request_context(req)).await {
        Ok(true) => {}
        Ok(false) => state.unaudited_refusals.count(state.clock.now()),
        Err(error) => tracing::error!(error = ?error, "could not audit a route guard refusal"),
    }
    ApiError::Refused(refusal)
}

/// Refusals not audited because the same address had one audited on that route within the
/// minute: counted, and said in one log line a minute at most.
#[derive(Debug, Default)]
pub struct UnauditedRefusals {
    count: AtomicU64,
    last_logged: AtomicI64,
}

impl UnauditedRefusals {
    fn count(&self, now: DateTime<Utc>) {
        self.count.fetch_add(1, Ordering::Relaxed);
        let last = self.last_logged.load(Ordering::Relaxed);
        if now.timestamp() - last >= 60
            && self
                .last_logged
                .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let repeats = self.count.swap(0, Ordering::Relaxed);
            tracing::info!(
                repeats,
                "route guard refusals not audited: repeats within the minute of an audited one"
            );
        }
    }
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
