//! The gateway tests' fixtures: one checkout request, the exact form Stripe must receive for it,
//! and a gateway pointed at a wiremock server.

use std::time::Duration;

use adapter_stripe::{StripeGateway, StripePrices, StripeSettings};
use domain::{BillingPlan, Email};
use ports::{CheckoutRequest, CheckoutSession, PaymentError, PaymentGateway};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const KEY: &str = "sk_test_51Hx9c2eZvKYlo2C0do_not_leak";
pub const CLIENT: &str = "0189f5e2-0000-7000-8000-00000000c11e";
pub const IDEMPOTENCY_KEY: &str = "checkout-0189f5e2-0000-7000-8000-00000000c11e";
pub const SUCCESS_URL: &str = "https://vault.example/billing/done?session_id={CHECKOUT_SESSION_ID}";
pub const CANCEL_URL: &str = "https://vault.example/billing?cancelled=1&step=2";
pub const SESSION_URL: &str = "https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4#fidkdWxOYHwnPyd1blpxYHZxWjA0";

pub fn prices() -> StripePrices {
    StripePrices {
        plan_1: "price_1QxPlanOne".into(),
        plan_2_5: "price_1QxPlanTwoToFive".into(),
        plan_6_15: "price_1QxPlanSixToFifteen".into(),
    }
}

pub fn settings(api_base: &str, timeout: Duration) -> StripeSettings {
    StripeSettings {
        api_base: api_base.to_owned(),
        timeout,
        ..StripeSettings::new(KEY.into(), prices())
    }
}

pub fn gateway(server: &MockServer) -> StripeGateway {
    StripeGateway::new(settings(&server.uri(), Duration::from_secs(5))).unwrap()
}

pub fn request(plan: BillingPlan) -> CheckoutRequest {
    CheckoutRequest {
        client_id: CLIENT.parse().unwrap(),
        email: Email::parse("ada+billing@landlord.example").unwrap(),
        plan,
        success_url: SUCCESS_URL.into(),
        cancel_url: CANCEL_URL.into(),
        idempotency_key: IDEMPOTENCY_KEY.into(),
    }
}

pub fn checkout_request() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header("Authorization", format!("Bearer {KEY}").as_str()))
        .and(header("Idempotency-Key", IDEMPOTENCY_KEY))
        .and(header("Content-Type", "application/x-www-form-urlencoded"))
}

pub async fn answer(response: ResponseTemplate) -> Result<CheckoutSession, PaymentError> {
    let server = MockServer::start().await;
    checkout_request().respond_with(response).expect(1).mount(&server).await;
    gateway(&server)
        .create_checkout_session(&request(BillingPlan::Plan1))
        .await
}

pub fn created() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "cs_test_a1B2c3D4",
        "object": "checkout.session",
        "mode": "subscription",
        "status": "open",
        "url": SESSION_URL
    }))
}

/// `application/x-www-form-urlencoded` decoded, in order: enough for what reqwest sends.
pub fn decode_form(body: &[u8]) -> Vec<(String, String)> {
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    out.push(u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap());
                    i += 2;
                }
                byte => out.push(byte),
            }
            i += 1;
        }
        String::from_utf8(out).unwrap()
    }
    std::str::from_utf8(body)
        .unwrap()
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (decode(name), decode(value))
        })
        .collect()
}

pub fn expected_form(price: &str) -> Vec<(String, String)> {
    [
        ("mode", "subscription"),
        ("line_items[0][price]", price),
        ("line_items[0][quantity]", "1"),
        ("client_reference_id", CLIENT),
        ("customer_email", "ada+billing@landlord.example"),
        ("subscription_data[metadata][client_id]", CLIENT),
        ("metadata[client_id]", CLIENT),
        ("success_url", SUCCESS_URL),
        ("cancel_url", CANCEL_URL),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect()
}
