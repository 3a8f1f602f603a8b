//! The [`PaymentGateway`] port over Stripe's API: one call, `POST /v1/checkout/sessions`, made
//! with `reqwest` rather than a Stripe SDK (whose compile cost is large for one endpoint).
//!
//! The secret API key is a [`SecretString`]: `Debug` never prints it, and no error carries it.

mod response;

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use domain::BillingPlan;
use ports::{CheckoutRequest, CheckoutSession, PaymentError, PaymentGateway};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// Stripe's API, where [`StripeSettings::api_base`] points unless a test server stands in.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// How long opening a checkout may take, connection included, unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest wait for a connection; shorter when the whole request's timeout is.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The header Stripe recognises a retried request by.
const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// Stripe's price id (`price_…`) for each plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripePrices {
    pub plan_1: String,
    pub plan_2_5: String,
    pub plan_6_15: String,
}

impl StripePrices {
    /// The price a plan is billed at.
    pub fn for_plan(&self, plan: BillingPlan) -> &str {
        match plan {
            BillingPlan::Plan1 => &self.plan_1,
            BillingPlan::Plan2To5 => &self.plan_2_5,
            BillingPlan::Plan6To15 => &self.plan_6_15,
        }
    }
}

/// How to reach Stripe. `Debug` shows the key as redacted.
#[derive(Debug, Clone)]
pub struct StripeSettings {
    /// The secret API key (`sk_live_…`, `sk_test_…` or a restricted `rk_…`).
    pub api_key: SecretString,
    /// Where the API is, without the path; a trailing slash is ignored. See [`DEFAULT_API_BASE`].
    pub api_base: String,
    /// The price of each plan.
    pub prices: StripePrices,
    /// How long one request may take in all; a slower one is [`PaymentError::Unavailable`].
    pub timeout: Duration,
}

impl StripeSettings {
    /// Settings for Stripe's own API with the default timeout.
    pub fn new(api_key: SecretString, prices: StripePrices) -> Self {
        Self {
            api_key,
            api_base: DEFAULT_API_BASE.to_owned(),
            prices,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Why a [`StripeGateway`] could not be built. No variant carries the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeConfigError {
    /// The API key is empty or cannot be sent as an HTTP header value.
    InvalidApiKey,
    /// A plan has no price.
    MissingPrice(BillingPlan),
    /// The timeout is zero.
    ZeroTimeout,
    /// The API base is not an `http` or `https` URL.
    InvalidApiBase(String),
    /// The HTTP client could not be built (its TLS stack, say).
    Client(String),
}

impl fmt::Display for StripeConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidApiKey => f.write_str("the Stripe API key is empty or not a valid header value"),
            Self::MissingPrice(plan) => write!(f, "no Stripe price is configured for {plan}"),
            Self::ZeroTimeout => f.write_str("the Stripe timeout must be more than zero"),
            Self::InvalidApiBase(reason) => write!(f, "the Stripe API base is not an http(s) URL: {reason}"),
            Self::Client(reason) => write!(f, "could not build the HTTP client for Stripe: {reason}"),
        }
    }
}

impl std::error::Error for StripeConfigError {}

/// Opens Stripe Checkout sessions for subscriptions, over one pooled HTTP client.
#[derive(Clone)]
pub struct StripeGateway {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    key: SecretString,
    /// `Bearer <key>`, marked sensitive so `http` never prints it either.
    authorization: HeaderValue,
    prices: StripePrices,
}

impl fmt::Debug for StripeGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeGateway")
            .field("endpoint", &self.endpoint.as_str())
            .field("key", &self.key)
            .field("prices", &self.prices)
            .finish_non_exhaustive()
    }
}

impl StripeGateway {
    /// Checks the settings and builds the HTTP client (the whole request bounded by
    /// `settings.timeout`; redirects not followed, so the key is only ever sent to `api_base`).
    ///
    /// # Errors
    /// [`StripeConfigError`] when the key or a price is empty, the timeout is zero, the API base
    /// is not an http(s) URL, or the client cannot be built.
    pub fn new(settings: StripeSettings) -> Result<Self, StripeConfigError> {
        let key = settings.api_key.expose_secret().trim();
        if key.is_empty() {
            return Err(StripeConfigError::InvalidApiKey);
        }
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| StripeConfigError::InvalidApiKey)?;
        authorization.set_sensitive(true);
        let key = SecretString::from(key);
        for plan in BillingPlan::ALL {
            if settings.prices.for_plan(*plan).trim().is_empty() {
                return Err(StripeConfigError::MissingPrice(*plan));
            }
        }
        if settings.timeout.is_zero() {
            return Err(StripeConfigError::ZeroTimeout);
        }
        let endpoint = endpoint(&settings.api_base)?;
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(CONNECT_TIMEOUT))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| StripeConfigError::Client(error.without_url().to_string()))?;
        Ok(Self {
            client,
            endpoint,
            key,
            authorization,
            prices: settings.prices,
        })
    }

    /// The form Stripe receives for a checkout, in order.
    fn form(&self, request: &CheckoutRequest) -> Vec<(&'static str, String)> {
        let client_id = request.client_id.to_string();
        vec![
            ("mode", "subscription".to_owned()),
            (
                "line_items[0][price]",
                self.prices.for_plan(request.plan).trim().to_owned(),
            ),
            ("line_items[0][quantity]", "1".to_owned()),
            ("client_reference_id", client_id.clone()),
            ("customer_email", request.email.as_str().to_owned()),
            ("subscription_data[metadata][client_id]", client_id.clone()),
            ("metadata[client_id]", client_id),
            ("success_url", request.success_url.clone()),
            ("cancel_url", request.cancel_url.clone()),
        ]
    }
}

/// `{api_base}/v1/checkout/sessions`, with any trailing slash of the base dropped.
fn endpoint(api_base: &str) -> Result<reqwest::Url, StripeConfigError> {
    let base = api_base.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(&format!("{base}/v1/checkout/sessions"))
        .map_err(|error| StripeConfigError::InvalidApiBase(error.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(StripeConfigError::InvalidApiBase(format!("scheme `{}`", url.scheme())));
    }
    Ok(url)
}

#[async_trait]
impl PaymentGateway for StripeGateway {
    /// Opens the checkout. The request's idempotency key goes to Stripe as `Idempotency-Key`, so
    /// a retry within Stripe's 24 hours answers with the same session instead of a second one.
    async fn create_checkout_session(&self, request: &CheckoutRequest) -> Result<CheckoutSession, PaymentError> {
        let idempotency_key = HeaderValue::from_str(request.idempotency_key.trim())
            .ok()
            .filter(|value| !value.is_empty())
            .ok_or_else(|| PaymentError::Refused("the idempotency key is empty or not a valid header".to_owned()))?;
        let response = self
            .client
            .post(self.endpoint.clone())
            .header(AUTHORIZATION, self.authorization.clone())
            .header(IDEMPOTENCY_HEADER, idempotency_key)
            .form(&self.form(request))
            .send()
            .await
            .map_err(|error| response::request_failure(&error))?;
        response::interpret(response, self.key.expose_secret()).await
    }
}
