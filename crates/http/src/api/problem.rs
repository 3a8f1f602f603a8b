//! Errors as `application/problem+json` (RFC 9457). Every error body carries the request id;
//! a 500 says nothing else, while the log line gets the whole cause chain.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::request_id;

/// One invalid field of a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's path, e.g. `email` or `properties[1].postcode`.
    pub field: String,
    /// A stable, machine-readable code, e.g. `required`, `invalid_postcode`, `too_long`.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
}

/// A problem details document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, relative to the API (see docs/api.md).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    /// A stable, machine-readable code for the problem.
    pub code: &'static str,
    pub detail: String,
    /// The id of the request, also in the `X-Request-Id` header and in the server's logs.
    pub request_id: Option<String>,
    /// Where to go next, for refusals by a route guard (a portal path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<&'static str>,
    /// Every invalid field, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every way a request can fail, and the status each one gets.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request body is invalid")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    MalformedBody(String),
    /// The query string does not parse into the route's parameters.
    #[error("the query string is invalid: {0}")]
    InvalidQuery(String),
    /// An error answered by the framework or a middleware (CORS, body limits) before any
    /// handler, given a problem body by [`problem_for_plain_errors`].
    #[error("{detail}")]
    Plain { status: StatusCode, detail: &'static str },
    #[error("the body must be JSON (Content-Type: application/json)")]
    UnsupportedMediaType,
    #[error("the body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("this client's documents take {used} bytes of the {allowed} allowed; this file does not fit")]
    QuotaExceeded { used: u64, allowed: u64 },
    #[error("{0}")]
    NotFound(&'static str),
    #[error("this address only answers {allow}")]
    MethodNotAllowed { allow: String },
    #[error("{0}")]
    Conflict(&'static str),
    /// The resource is in a state that does not allow this, with a code naming the state.
    #[error("{detail}")]
    StateConflict { code: &'static str, detail: &'static str },
    /// A webhook's signature is missing, wrong or too old.
    #[error("the signature is not valid: {0}")]
    InvalidSignature(String),
    /// Credentials for a webhook are missing or wrong; the caller is a machine.
    #[error("the webhook credentials are missing or wrong")]
    WebhookUnauthorized,
    /// An uploaded file of a type we do not take (judged by its bytes).
    #[error("only PDF, JPEG and PNG files are accepted, judged by their content")]
    UnsupportedFile,
    /// The client's plan does not include this.
    #[error("{0}")]
    PlanUpgradeRequired(String),
    /// A capability whose settings are not configured on this server.
    #[error("{0}")]
    NotConfigured(&'static str),
    #[error("{}", refusal_detail(*.0))]
    Refused(app::access::Refusal),
    #[error("the email or password is wrong")]
    InvalidCredentials,
    #[error("this account is disabled")]
    AccountDisabled,
    #[error("the authenticator or recovery code is missing, wrong or already used")]
    InvalidSecondFactor,
    #[error("the link is invalid or has expired")]
    InvalidToken,
    #[error("too many requests; retry in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// Work with a fixed bound (password hashing, PDF reading) is at it; nothing was done.
    #[error("the server is busy; retry in {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    #[error("the service is temporarily unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("an unexpected error occurred")]
    Unexpected(#[source] anyhow::Error),
}

impl ApiError {
    fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::MalformedBody(_) => "malformed_body",
            Self::InvalidQuery(_) => "invalid_query",
            Self::Plain { status, .. } => plain_code(*status),
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::QuotaExceeded { .. } => "quota_exceeded",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::Conflict(_) => "conflict",
            Self::StateConflict { code, .. } => code,
            Self::WebhookUnauthorized => "unauthorized",
            Self::InvalidSignature(_) => "invalid_signature",
            Self::NotConfigured(_) => "not_configured",
            Self::PlanUpgradeRequired(_) => "plan_upgrade_required",
            Self::UnsupportedFile => "unsupported_file_type",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Refused(refusal) => refusal.reason(),
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountDisabled => "account_disabled",
            Self::InvalidSecondFactor => "invalid_second_factor",
            Self::InvalidToken => "invalid_token",
            Self::Busy { .. } => "busy",
            Self::Unavailable(_) => "service_unavailable",
            Self::Unexpected(_) => "internal_error",
        }
    }
}

impl From<ports::StoreError> for ApiError {
    fn from(error: ports::StoreError) -> Self {
        match error {
            ports::StoreError::Unavailable { .. } => Self::Unavailable(error.into()),
            ports::StoreError::Unexpected { .. } => Self::Unexpected(error.into()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MalformedBody(_) | Self::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            Self::Plain { status, .. } => *status,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } | Self::QuotaExceeded { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) | Self::StateConflict { .. } => StatusCode::CONFLICT,
            Self::WebhookUnauthorized => StatusCode::UNAUTHORIZED,
            Self::InvalidSignature(_) => StatusCode::BAD_REQUEST,
            Self::NotConfigured(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::UnsupportedFile => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Refused(refusal) => StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::FORBIDDEN),
            Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::AccountDisabled | Self::PlanUpgradeRequired(_) => StatusCode::FORBIDDEN,
            Self::InvalidSecondFactor => StatusCode::UNAUTHORIZED,
            Self::InvalidToken => StatusCode::BAD_REQUEST,
            Self::Busy { .. } | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        // Busy is load shed on purpose, not a failure: logging each would flood the log under
        // the very load it sheds.
        if status.is_server_error() && !matches!(self, Self::Busy { .. }) {
            // `{:?}` of anyhow prints the whole cause chain.
            tracing::error!(error = ?self, "request failed");
        }
        let (detail, errors) = match self {
            Self::Validation(errors) if errors.len() > MAX_LISTED_ERRORS => (
                format!(
                    "{} field(s) are invalid; the first {MAX_LISTED_ERRORS} are listed, {} more are not",
                    errors.len(),
                    errors.len() - MAX_LISTED_ERRORS
                ),
                errors[..MAX_LISTED_ERRORS].to_vec(),
            ),
            Self::Validation(errors) => (format!("{} field(s) are invalid", errors.len()), errors.clone()),
            other => (other.to_string(), Vec::new()),
        };
        let code = self.code();
        let problem = Problem {
            kind: format!("/problems/{}", code.replace('_', "-")),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            code,
            detail,
            request_id: request_id::current().map(|id| id.to_string()),
            next: match self {
                Self::Refused(refusal) => Some(refusal.next()),
                _ => None,
            },
            errors,
        };
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        match self {
            Self::TooManyRequests { retry_after_secs } | Self::Busy { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, HeaderValue::from(*retry_after_secs)));
            }
            Self::WebhookUnauthorized => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"webhook\""),
                ));
            }
            Self::MethodNotAllowed { allow } => {
                if let Ok(value) = HeaderValue::from_str(allow) {
                    response.insert_header((header::ALLOW, value));
                }
            }
            _ => {}
        }
        response.json(problem)
    }
}

/// A 422 lists at most this many invalid fields, and says how many more there are.
pub const MAX_LISTED_ERRORS: usize = 50;

fn plain_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "request_timeout",
        411 => "length_required",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        431 => "headers_too_large",
        s if s >= 500 => "internal_error",
        _ => "request_refused",
    }
}

fn plain_detail(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "the request is malformed or was refused (for a browser: its origin may not call this API)",
        413 => "the body is larger than this address accepts",
        404 => "there is nothing at this address",
        s if s >= 500 => "an unexpected error occurred",
        _ => "the request was refused",
    }
}

/// Gives a problem body to every error response that has none: those made before a handler ran
/// (a CORS preflight refused, a body over a limit, a malformed header). A 500 says no more than
/// its status, as everywhere.
///
/// # Errors
/// Never: the signature is the one `ErrorHandlers` takes.
pub fn problem_for_plain_errors<B>(
    response: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    // A problem already, or a page that shows its own errors.
    let answered = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(b"application/problem+json") || v.as_bytes().starts_with(b"text/html")
    });
    if answered {
        return Ok(ErrorHandlerResponse::Response(response.map_into_left_body()));
    }
    let status = response.status();
    let problem = ApiError::Plain {
        status,
        detail: plain_detail(status),
    };
    let mut replacement = problem.error_response();
    // Keep what the original said about where and how to retry.
    for name in [header::ALLOW, header::RETRY_AFTER, header::VARY] {
        if let Some(value) = response.headers().get(&name) {
            replacement.headers_mut().insert(name, value.clone());
        }
    }
    let (request, _) = response.into_parts();
    Ok(ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(request, replacement).map_into_right_body(),
    ))
}

fn refusal_detail(refusal: app::access::Refusal) -> &'static str {
    use app::access::Refusal as R;
    match refusal {
        R::NotSignedIn => "sign in to continue",
        R::SessionEnded => "this session has ended; sign in again",
        R::UserDisabled => "this account is disabled",
        R::PasswordNotSet => "set your password first",
        R::NotProvisioned => "your account is not ready yet",
        R::NotAdmin => "this is for administrators only",
        R::NotClient => "this is for clients; administrators use the admin routes",
        R::SecondFactorRequired => "sign in again with your second factor",
    }
}

/// Maps actix's JSON extractor failures to problems: too large 413, not JSON 415, bad syntax 400.
pub fn json_error(error: actix_web::error::JsonPayloadError, limit: usize) -> ApiError {
    use actix_web::error::JsonPayloadError as E;
    match error {
        E::Overflow { .. } | E::OverflowKnownLength { .. } => ApiError::PayloadTooLarge { limit },
        E::ContentType => ApiError::UnsupportedMediaType,
        E::Deserialize(e) => ApiError::MalformedBody(format!("the body is not valid JSON: {e}")),
        other => ApiError::MalformedBody(format!("the body could not be read: {other}")),
    }
}
