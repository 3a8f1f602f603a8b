//! The [`Mailer`] port over Postmark's HTTP API. Templates live at Postmark, keyed by our
//! [`TemplateAlias`](domain::TemplateAlias); this adapter sends the alias and the typed model to
//! `POST /email/withTemplate` and tells the outbox whether a failure is worth another try.
//!
//! The server token is a [`SecretString`]: it is never printed by `Debug` and never put in an
//! error message.

mod outcome;
mod wire;

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use domain::OutgoingEmail;
use ports::{Delivery, Mailer, SendError};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::wire::{Metadata, TemplatedEmail};

/// Postmark's API, where [`PostmarkSettings::api_base`] points unless a test server stands in.
pub const DEFAULT_API_BASE: &str = "https://api.postmarkapp.com";

/// Postmark's default stream for transactional email.
pub const DEFAULT_MESSAGE_STREAM: &str = "outbound";

/// How long one send may take, connection included, unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest wait for a connection; shorter when the whole request's timeout is.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The header Postmark authenticates a server's requests by.
const TOKEN_HEADER: &str = "X-Postmark-Server-Token";

/// How to reach Postmark. `Debug` shows the token as redacted.
#[derive(Debug, Clone)]
pub struct PostmarkSettings {
    /// The server's API token (`X-Postmark-Server-Token`).
    pub server_token: SecretString,
    /// The sender, e.g. `Compliance Vault <noreply@example.co.uk>`: a sender signature at Postmark.
    pub from: String,
    /// Where the API is, without the path; a trailing slash is ignored. See [`DEFAULT_API_BASE`].
    pub api_base: String,
    /// The message stream to send through. See [`DEFAULT_MESSAGE_STREAM`].
    pub message_stream: String,
    /// How long one send may take in all; a slower one is a transient failure.
    pub timeout: Duration,
}

impl PostmarkSettings {
    /// Settings for Postmark's own API, the default stream and the default timeout.
    pub fn new(server_token: SecretString, from: impl Into<String>) -> Self {
        Self {
            server_token,
            from: from.into(),
            api_base: DEFAULT_API_BASE.to_owned(),
            message_stream: DEFAULT_MESSAGE_STREAM.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Why a [`PostmarkMailer`] could not be built. No variant carries the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostmarkConfigError {
    /// The server token is empty or cannot be sent as an HTTP header value.
    InvalidToken,
    /// The sender address is empty.
    MissingFrom,
    /// The message stream is empty.
    MissingMessageStream,
    /// The timeout is zero.
    ZeroTimeout,
    /// The API base is not an `http` or `https` URL.
    InvalidApiBase(String),
    /// The HTTP client could not be built (its TLS stack, say).
    Client(String),
}

impl fmt::Display for PostmarkConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidToken => f.write_str("the Postmark server token is empty or not a valid header value"),
            Self::MissingFrom => f.write_str("the Postmark sender (from) is empty"),
            Self::MissingMessageStream => f.write_str("the Postmark message stream is empty"),
            Self::ZeroTimeout => f.write_str("the Postmark timeout must be more than zero"),
            Self::InvalidApiBase(reason) => write!(f, "the Postmark API base is not an http(s) URL: {reason}"),
            Self::Client(reason) => write!(f, "could not build the HTTP client for Postmark: {reason}"),
        }
    }
}

impl std::error::Error for PostmarkConfigError {}

/// Sends templated email through Postmark, over one pooled HTTP client.
#[derive(Clone)]
pub struct PostmarkMailer {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    token: SecretString,
    /// The token as a header value, marked sensitive so `http` never prints it either.
    token_header: HeaderValue,
    from: String,
    message_stream: String,
}

impl fmt::Debug for PostmarkMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostmarkMailer")
            .field("endpoint", &self.endpoint.as_str())
            .field("token", &self.token)
            .field("from", &self.from)
            .field("message_stream", &self.message_stream)
            .finish_non_exhaustive()
    }
}

impl PostmarkMailer {
    /// Checks the settings and builds the HTTP client (the whole request bounded by
    /// `settings.timeout`, connecting by at most five seconds of it; redirects not followed, so
    /// the token is only ever sent to `api_base`).
    ///
    /// # Errors
    /// [`PostmarkConfigError`] when a setting is empty or malformed, or the client cannot be built.
    pub fn new(settings: PostmarkSettings) -> Result<Self, PostmarkConfigError> {
        let token = settings.server_token.expose_secret().trim();
        if token.is_empty() {
            return Err(PostmarkConfigError::InvalidToken);
        }
        let mut token_header = HeaderValue::from_str(token).map_err(|_| PostmarkConfigError::InvalidToken)?;
        token_header.set_sensitive(true);
        let token = SecretString::from(token);
        if settings.from.trim().is_empty() {
            return Err(PostmarkConfigError::MissingFrom);
        }
        if settings.message_stream.trim().is_empty() {
            return Err(PostmarkConfigError::MissingMessageStream);
        }
        if settings.timeout.is_zero() {
            return Err(PostmarkConfigError::ZeroTimeout);
        }
        let endpoint = endpoint(&settings.api_base)?;
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(CONNECT_TIMEOUT))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| PostmarkConfigError::Client(error.without_url().to_string()))?;
        Ok(Self {
            client,
            endpoint,
            token,
            token_header,
            from: settings.from,
            message_stream: settings.message_stream,
        })
    }
}

/// `{api_base}/email/withTemplate`, with any trailing slash of the base dropped.
fn endpoint(api_base: &str) -> Result<reqwest::Url, PostmarkConfigError> {
    let base = api_base.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(&format!("{base}/email/withTemplate"))
        .map_err(|error| PostmarkConfigError::InvalidApiBase(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(PostmarkConfigError::InvalidApiBase(format!(
            "scheme `{}`",
            url.scheme()
        )));
    }
    Ok(url)
}

#[async_trait]
impl Mailer for PostmarkMailer {
    fn name(&self) -> &'static str {
        "postmark"
    }

    async fn send(&self, email: &OutgoingEmail) -> Result<Delivery, SendError> {
        let alias = email.content.alias();
        let body = TemplatedEmail {
            from: &self.from,
            to: email.to.as_str(),
            template_alias: alias.as_str(),
            template_model: email.content.model(),
            message_stream: &self.message_stream,
            tag: alias.as_str(),
            metadata: Metadata {
                message_id: email.id.to_string(),
                client_id: email.client_id.map(|id| id.to_string()),
            },
        };
        let response = self
            .client
            .post(self.endpoint.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(TOKEN_HEADER, self.token_header.clone())
            .json(&body)
            .send()
            .await
            .map_err(|error| outcome::request_failure(&error))?;
        outcome::interpret(response, self.token.expose_secret()).await
    }
}
