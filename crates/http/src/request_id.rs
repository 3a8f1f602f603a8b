//! The request id: taken from a well-formed `X-Request-Id` or made up, returned on every
//! response, set on the request's log span, and readable from error responses and use cases.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use domain::RequestId;
use tracing::Instrument;
use uuid::Uuid;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: RequestId;
}

/// The id of the request being served on this task, if any.
pub fn current() -> Option<RequestId> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Middleware: gives the request its id and span, and logs its outcome once.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(RequestId::parse)
        .unwrap_or_else(|| RequestId::from_uuid(Uuid::new_v4()));
    req.extensions_mut().insert(id.clone());
    // `?` formatting escapes control characters, so a crafted path cannot forge log lines.
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = ?req.path());
    let started = Instant::now();
    let result = CURRENT.scope(id.clone(), next.call(req)).instrument(span.clone()).await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let mut response = result?;
    span.in_scope(|| tracing::info!(status = response.status().as_u16(), elapsed_ms, "request served"));
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        response.headers_mut().insert(HeaderName::from_static(HEADER), value);
    }
    Ok(response)
}
