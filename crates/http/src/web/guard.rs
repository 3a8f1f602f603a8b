//! The sessions pages take: the API's guards, but a refusal sends the visitor where the refusal
//! says to go (sign in, set a password, the onboarding status, their own area) instead of
//! answering problem+json. The guard has audited it as ROUTE_GUARD_REDIRECT already.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError};

use crate::api::problem::ApiError;
use crate::session::{AdminSession, ClientSession, PortfolioSession};

/// A page's refusal: a 303 for a guard's, the API's answer for anything else.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PageRefusal(ApiError);

impl ResponseError for PageRefusal {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            ApiError::Refused(_) => StatusCode::SEE_OTHER,
            other => other.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match &self.0 {
            ApiError::Refused(refusal) => super::see_other(refusal.next()),
            other => other.error_response(),
        }
    }
}

/// A provisioned client on a page.
#[derive(Debug)]
pub struct PageClient(pub ClientSession);

/// A client on the dashboard's page, with the stored portfolio read with the session.
#[derive(Debug)]
pub struct PagePortfolio(pub PortfolioSession);

/// An operator on a page.
#[derive(Debug)]
pub struct PageAdmin(pub AdminSession);

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, PageRefusal>>>>;

impl FromRequest for PageClient {
    type Error = PageRefusal;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = ClientSession::from_request(req, payload);
        Box::pin(async move { session.await.map(Self).map_err(PageRefusal) })
    }
}

impl FromRequest for PagePortfolio {
    type Error = PageRefusal;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = PortfolioSession::from_request(req, payload);
        Box::pin(async move { session.await.map(Self).map_err(PageRefusal) })
    }
}

impl FromRequest for PageAdmin {
    type Error = PageRefusal;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = AdminSession::from_request(req, payload);
        Box::pin(async move { session.await.map(Self).map_err(PageRefusal) })
    }
}
