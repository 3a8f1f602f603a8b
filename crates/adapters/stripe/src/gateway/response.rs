//! What Stripe's answer to a checkout request means: a session, a failure worth another try, or
//! a refusal.
//!
//! No message built here carries the API key or the request URL: errors end up in logs, which
//! operators read.

use ports::{CheckoutSession, PaymentError};
use reqwest::{Response, StatusCode};
use serde::Deserialize;

/// The most characters of Stripe's own wording kept in an error, an ellipsis included.
const MAX_DETAIL: usize = 300;

/// A created Checkout Session; only the fields we use.
#[derive(Deserialize)]
struct Session {
    id: Option<String>,
    url: Option<String>,
}

/// Stripe's error body: `{"error": {"message": "...", "code": "...", ...}}`.
#[derive(Deserialize)]
struct Refusal {
    error: RefusalDetail,
}

#[derive(Deserialize)]
struct RefusalDetail {
    message: Option<String>,
    code: Option<String>,
}

/// Reads Stripe's answer to a checkout request.
///
/// - `2xx` with an `id` and a `url`: the session. Without them (or with an unreadable body) the
///   session may exist but cannot be used: [`PaymentError::Unavailable`]; the retry, with the same
///   idempotency key, gets Stripe's saved answer.
/// - `409` (a request with the same idempotency key still in flight), `429` (rate limited) and
///   `5xx`: unavailable.
/// - any other `4xx`: refused, with Stripe's message (sanitised), e.g. an unknown price or a
///   refused key: configuration for an operator to fix.
/// - anything else (a redirect, not followed): unavailable.
pub(super) async fn interpret(response: Response, key: &str) -> Result<CheckoutSession, PaymentError> {
    let status = response.status();
    let code = status.as_u16();
    if status.is_success() {
        return match response.json::<Session>().await {
            Ok(Session {
                id: Some(id),
                url: Some(url),
            }) if !id.is_empty() && !url.is_empty() => Ok(CheckoutSession { id, url }),
            Ok(_) => Err(PaymentError::Unavailable(format!(
                "Stripe answered HTTP {code} without a checkout id and url"
            ))),
            Err(_) => Err(PaymentError::Unavailable(format!(
                "Stripe answered HTTP {code} with an unreadable body"
            ))),
        };
    }
    match status {
        StatusCode::CONFLICT => Err(PaymentError::Unavailable(format!(
            "Stripe is still handling a request with this idempotency key (HTTP {code})"
        ))),
        StatusCode::TOO_MANY_REQUESTS => Err(PaymentError::Unavailable(format!(
            "Stripe rate limited us (HTTP {code})"
        ))),
        _ if status.is_server_error() => Err(PaymentError::Unavailable(format!("Stripe server error (HTTP {code})"))),
        _ if status.is_client_error() => Err(PaymentError::Refused(match refusal(response, key).await {
            Some(detail) => format!("Stripe refused the checkout (HTTP {code}): {detail}"),
            None => format!("Stripe refused the checkout (HTTP {code})"),
        })),
        _ => Err(PaymentError::Unavailable(format!(
            "unexpected answer from Stripe (HTTP {code})"
        ))),
    }
}

/// Stripe's (sanitised) message, with its error code when it gave one.
async fn refusal(response: Response, key: &str) -> Option<String> {
    let detail = response.json::<Refusal>().await.ok()?.error;
    let message = sanitise(detail.message.as_deref().unwrap_or_default(), key);
    let code = detail
        .code
        .map(|code| sanitise(&code, key))
        .filter(|code| !code.is_empty());
    match (message.is_empty(), code) {
        (false, Some(code)) => Some(format!("{message} ({code})")),
        (false, None) => Some(message),
        (true, Some(code)) => Some(code),
        (true, None) => None,
    }
}

/// The error of a request that got no answer: no URL, no key, just what went wrong.
pub(super) fn request_failure(error: &reqwest::Error) -> PaymentError {
    PaymentError::Unavailable(
        if error.is_timeout() {
            "Stripe timed out"
        } else if error.is_connect() {
            "could not connect to Stripe"
        } else {
            "the request to Stripe failed before an answer came"
        }
        .to_owned(),
    )
}

/// Stripe's wording on one line, at most [`MAX_DETAIL`] characters, and never with the key (were
/// it ever echoed).
fn sanitise(message: &str, key: &str) -> String {
    let scrubbed = if key.is_empty() {
        message.to_owned()
    } else {
        message.replace(key, "[redacted]")
    };
    let one_line: String = scrubbed.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let trimmed = one_line.trim();
    match (
        trimmed.chars().nth(MAX_DETAIL),
        trimmed.char_indices().nth(MAX_DETAIL - 1),
    ) {
        (Some(_), Some((cut, _))) => format!("{}…", trimmed[..cut].trim_end()),
        _ => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::{MAX_DETAIL, sanitise};

    #[test]
    fn sanitise_removes_the_key_and_control_characters_and_shortens() {
        assert_eq!(
            sanitise("Invalid API Key provided: sk_test_abc\r\nbye", "sk_test_abc"),
            "Invalid API Key provided: [redacted]  bye"
        );
        let long = "é".repeat(1000);
        let short = sanitise(&long, "sk_test_abc");
        assert_eq!(short.chars().count(), MAX_DETAIL);
        assert!(short.ends_with('…'));
        let exact = "a".repeat(MAX_DETAIL);
        assert_eq!(sanitise(&exact, "sk_test_abc"), exact);
    }
}
