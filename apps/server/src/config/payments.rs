//! Stripe settings: the API key and plan prices that open checkouts, and the secret that signs
//! webhook events. Either half may be configured without the other.

use secrecy::SecretString;

use super::{ConfigError, invalid};

#[derive(Debug, Clone)]
pub struct StripeCheckout {
    pub api_key: SecretString,
    pub api_base: String,
    pub price_plan_1: String,
    pub price_plan_2_5: String,
    pub price_plan_6_15: String,
}

#[derive(Debug, Clone, Default)]
pub struct PaymentSettings {
    /// `None`: intake answers `checkout_url: null`.
    pub checkout: Option<StripeCheckout>,
    /// `None`: the Stripe webhook answers 503.
    pub webhook_secret: Option<SecretString>,
}

impl PaymentSettings {
    pub(super) fn from_lookup(var: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let checkout = match var("STRIPE_API_KEY") {
            None => None,
            Some(key) => {
                let price = |name: &'static str| {
                    var(name).ok_or_else(|| invalid(name, "a Stripe price id is required with STRIPE_API_KEY"))
                };
                Some(StripeCheckout {
                    api_key: SecretString::from(key),
                    api_base: var("STRIPE_API_BASE").unwrap_or_else(|| "https://api.stripe.com".into()),
                    price_plan_1: price("STRIPE_PRICE_PLAN_1")?,
                    price_plan_2_5: price("STRIPE_PRICE_PLAN_2_5")?,
                    price_plan_6_15: price("STRIPE_PRICE_PLAN_6_15")?,
                })
            }
        };
        Ok(Self {
            checkout,
            webhook_secret: var("STRIPE_WEBHOOK_SECRET").map(SecretString::from),
        })
    }
}
