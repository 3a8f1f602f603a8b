//! Sessions on requests: the token from `Authorization: Bearer` or the session cookie, handed to
//! the authentication use case with the route's guard. A refusal is answered with its reason and
//! where to go next (the use case has audited it); repeats within the minute are counted here.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use app::access::{AuthError, Authenticated, Guard, RefusedRouteInfo, SessionClaims};
use chrono::{DateTime, Utc};
use domain::{Client, PortalUser};
use futures_util::future::LocalBoxFuture;
use ports::PortfolioRead;

use crate::api::problem::ApiError;
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

/// A [`ClientSession`] with its client's stored portfolio, read in the same statement: for the
/// dashboard's routes, which are then one read.
#[derive(Debug)]
pub struct PortfolioSession {
    pub client: ClientSession,
    pub portfolio: PortfolioRead,
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

/// What an extractor authenticates a request for.
#[derive(Debug, Clone, Copy)]
enum Reading {
    /// The route's guard.
    Guarded(Guard),
    /// A client's route that also reads the client's stored portfolio.
    ClientWithPortfolio,
}

/// Authenticates the request as `reading` says.
async fn authenticate(req: &HttpRequest, reading: Reading) -> Result<Authenticated, ApiError> {
    let state = state(req)?;
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let request = RefusedRouteInfo {
        method: req.method().as_str(),
        route: &route,
    };
    let token = token(req);
    let ctx = state.request_context(req);
    let authenticated = match reading {
        Reading::Guarded(guard) => {
            app::access::authenticate(state.access(), token.as_deref(), guard, request, &ctx).await
        }
        Reading::ClientWithPortfolio => {
            app::access::authenticate_with_portfolio(state.access(), token.as_deref(), request, &ctx).await
        }
    };
    match authenticated {
        Ok(authenticated) => Ok(authenticated),
        Err(AuthError::Refused { refusal, audited }) => {
            if !audited {
                state.unaudited_refusals.count(state.clock.now());
            }
            Err(ApiError::Refused(refusal))
        }
        Err(AuthError::Failure(failure)) => Err(failure.into()),
    }
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
        Box::pin(async move {
            let Authenticated { claims, user, .. } = authenticate(&req, Reading::Guarded(Guard::SignedIn)).await?;
            Ok(Self { claims, user })
        })
    }
}

impl FromRequest for AdminSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let second_factor_required = state(&req)?.admin_second_factor_required;
            let Authenticated { claims, user, .. } =
                authenticate(&req, Reading::Guarded(Guard::Admin { second_factor_required })).await?;
            Ok(Self(SignedIn { claims, user }))
        })
    }
}

impl FromRequest for ClientSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (session, _) = client_session(authenticate(&req, Reading::Guarded(Guard::Client)).await?)?;
            Ok(session)
        })
    }
}

impl FromRequest for PortfolioSession {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (client, portfolio) = client_session(authenticate(&req, Reading::ClientWithPortfolio).await?)?;
            let portfolio = portfolio
                .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("a client session without its portfolio")))?;
            Ok(Self { client, portfolio })
        })
    }
}

fn client_session(authenticated: Authenticated) -> Result<(ClientSession, Option<PortfolioRead>), ApiError> {
    let Authenticated {
        claims,
        user,
        client,
        portfolio,
    } = authenticated;
    let client = client.ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("a client session without its client")))?;
    let session = ClientSession {
        session: SignedIn { claims, user },
        client,
    };
    Ok((session, portfolio))
}
