//! What Postmark's answer means for the email: sent, worth another try, or refused for good.
//!
//! No message built here carries the server token or the request URL: errors end up in logs and
//! in the message log, which operators read.

use ports::{Delivery, SendError};
use reqwest::{Response, StatusCode};

use crate::wire::{Accepted, Refusal};

/// The longest piece of Postmark's own wording kept in an error.
const MAX_DETAIL: usize = 300;

/// Reads Postmark's answer to one email.
///
/// - `2xx`: sent, with Postmark's `MessageID` (when the body cannot be read the email was still
///   accepted; it is reported sent without an id rather than risk sending it twice).
/// - `422`: Postmark refused this email, e.g. ErrorCode 300 (invalid email request: a malformed
///   field or an unknown template) or 406 (inactive recipient: bounced or marked as spam before).
///   Sending it again gives the same answer, so every 422 is permanent.
/// - `401`: the server token was refused. That is our configuration, not the email's fault, so it
///   is transient: queued email is retried with back-off (for `MAIL_MAX_ATTEMPTS` attempts) while
///   the token is fixed, instead of every email failing for good on the first refusal.
/// - `429` and `5xx`: transient (rate limited, Postmark unwell).
/// - any other `4xx`: permanent. Anything else (a redirect, say): transient.
pub(crate) async fn interpret(response: Response, token: &str) -> Result<Delivery, SendError> {
    let status = response.status();
    if status.is_success() {
        return accepted(response, token).await;
    }
    let code = status.as_u16();
    match status {
        StatusCode::UNPROCESSABLE_ENTITY => Err(SendError::Permanent(match refusal(response, token).await {
            Some((error_code, message)) => {
                format!("Postmark refused the email (ErrorCode {error_code}): {message}")
            }
            None => format!("Postmark refused the email (HTTP {code})"),
        })),
        StatusCode::UNAUTHORIZED => Err(SendError::Transient(format!(
            "Postmark: server token refused (HTTP {code}); check the configured token"
        ))),
        StatusCode::TOO_MANY_REQUESTS => Err(SendError::Transient(format!("Postmark rate limited us (HTTP {code})"))),
        _ if status.is_server_error() => Err(SendError::Transient(format!("Postmark server error (HTTP {code})"))),
        _ if status.is_client_error() => Err(SendError::Permanent(match refusal(response, token).await {
            Some((error_code, message)) => {
                format!("Postmark rejected the request (HTTP {code}, ErrorCode {error_code}): {message}")
            }
            None => format!("Postmark rejected the request (HTTP {code})"),
        })),
        _ => Err(SendError::Transient(format!(
            "unexpected answer from Postmark (HTTP {code})"
        ))),
    }
}

async fn accepted(response: Response, token: &str) -> Result<Delivery, SendError> {
    match response.json::<Accepted>().await {
        Ok(body) if body.error_code != 0 => Err(SendError::Permanent(format!(
            "Postmark refused the email (ErrorCode {}): {}",
            body.error_code,
            sanitise(&body.message, token)
        ))),
        Ok(body) => Ok(Delivery {
            provider_id: body.message_id.filter(|id| !id.is_empty()),
        }),
        Err(_) => Ok(Delivery { provider_id: None }),
    }
}

/// Postmark's ErrorCode and (sanitised) Message, when the body is its usual error JSON.
async fn refusal(response: Response, token: &str) -> Option<(i64, String)> {
    let body = response.json::<Refusal>().await.ok()?;
    Some((body.error_code, sanitise(&body.message, token)))
}

/// The error of a request that got no answer: no URL, no token, just what went wrong.
pub(crate) fn request_failure(error: &reqwest::Error) -> SendError {
    if error.is_timeout() {
        SendError::Transient("Postmark timed out".to_owned())
    } else if error.is_connect() {
        SendError::Transient("could not connect to Postmark".to_owned())
    } else if error.is_builder() {
        SendError::Permanent("could not build the request to Postmark".to_owned())
    } else {
        SendError::Transient("the request to Postmark failed before an answer came".to_owned())
    }
}

/// Postmark's wording on one line, shortened, and never with the token (were it ever echoed).
fn sanitise(message: &str, token: &str) -> String {
    let scrubbed = if token.is_empty() {
        message.to_owned()
    } else {
        message.replace(token, "[redacted]")
    };
    let one_line: String = scrubbed.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let trimmed = one_line.trim();
    match trimmed.char_indices().nth(MAX_DETAIL) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::sanitise;

    #[test]
    fn sanitise_removes_the_token_and_control_characters_and_shortens() {
        assert_eq!(
            sanitise("bad token abc-123\nhere", "abc-123"),
            "bad token [redacted] here"
        );
        let long = "x".repeat(1000);
        assert_eq!(sanitise(&long, "t").chars().count(), super::MAX_DETAIL + 1);
    }
}
