//! The checkout gateway against a wiremock stand-in for Stripe: the exact request, and what each
//! kind of answer becomes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use adapter_stripe::{StripeConfigError, StripeGateway, StripePrices, StripeSettings};
use domain::BillingPlan;
use ports::{CheckoutRequest, CheckoutSession, PaymentError, PaymentGateway};
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use crate::support::gateway::{
    KEY, SESSION_URL, answer, checkout_request, created, decode_form, expected_form, gateway, prices, request, settings,
};

mod support {
    pub mod gateway;
}

#[tokio::test]
async fn opens_a_subscription_checkout_with_the_exact_request_for_each_plan() {
    for (plan, price) in [
        (BillingPlan::Plan1, "price_1QxPlanOne"),
        (BillingPlan::Plan2To5, "price_1QxPlanTwoToFive"),
        (BillingPlan::Plan6To15, "price_1QxPlanSixToFifteen"),
    ] {
        let server = MockServer::start().await;
        checkout_request()
            .respond_with(created())
            .expect(1)
            .mount(&server)
            .await;

        let session = gateway(&server).create_checkout_session(&request(plan)).await.unwrap();

        assert_eq!(
            session,
            CheckoutSession {
                id: "cs_test_a1B2c3D4".into(),
                url: SESSION_URL.into(),
            }
        );
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 1);
        assert_eq!(decode_form(&received[0].body), expected_form(price), "{plan}");
    }
}

#[tokio::test]
async fn a_trailing_slash_on_the_api_base_is_ignored() {
    let server = MockServer::start().await;
    checkout_request()
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;
    let gateway = StripeGateway::new(settings(&format!("{}/", server.uri()), Duration::from_secs(5))).unwrap();
    assert!(
        gateway
            .create_checkout_session(&request(BillingPlan::Plan1))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn an_unknown_price_is_refused_with_stripes_message() {
    let response = ResponseTemplate::new(400).set_body_json(json!({
        "error": {
            "code": "resource_missing",
            "message": "No such price: 'price_1QxPlanOne'",
            "param": "line_items[0][price]",
            "type": "invalid_request_error"
        }
    }));
    match answer(response).await {
        Err(PaymentError::Refused(message)) => {
            assert!(message.contains("No such price: 'price_1QxPlanOne'"), "{message}");
            assert!(message.contains("HTTP 400"), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refused_key_echoed_back_never_reaches_the_error() {
    let response = ResponseTemplate::new(401).set_body_json(json!({
        "error": { "message": format!("Invalid API Key provided: {KEY}\n"), "type": "invalid_request_error" }
    }));
    match answer(response).await {
        Err(PaymentError::Refused(message)) => {
            assert!(!message.contains(KEY), "{message}");
            assert!(message.contains("[redacted]"), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refusal_without_stripes_error_body_still_names_the_status() {
    let error = answer(ResponseTemplate::new(403).set_body_string("<html>nope</html>")).await;
    assert_eq!(
        error,
        Err(PaymentError::Refused("Stripe refused the checkout (HTTP 403)".into()))
    );
}

#[tokio::test]
async fn server_errors_rate_limits_and_idempotency_conflicts_are_unavailable() {
    for status in [500, 502, 503, 429, 409] {
        let response = ResponseTemplate::new(status).set_body_json(json!({
            "error": { "message": "try later", "type": "api_error" }
        }));
        assert!(
            matches!(answer(response).await, Err(PaymentError::Unavailable(_))),
            "HTTP {status}"
        );
    }
}

#[tokio::test]
async fn a_session_without_a_url_is_unavailable() {
    for body in [
        json!({ "id": "cs_test_a1B2c3D4", "object": "checkout.session", "url": null }),
        json!({ "id": "cs_test_a1B2c3D4" }),
        json!({ "url": SESSION_URL }),
    ] {
        let error = answer(ResponseTemplate::new(200).set_body_json(body.clone())).await;
        assert!(matches!(error, Err(PaymentError::Unavailable(_))), "{body}");
    }
    let garbled = answer(ResponseTemplate::new(200).set_body_string("not json")).await;
    assert!(matches!(garbled, Err(PaymentError::Unavailable(_))));
}

#[tokio::test]
async fn a_slow_server_past_the_timeout_is_unavailable() {
    let server = MockServer::start().await;
    checkout_request()
        .respond_with(created().set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let gateway = StripeGateway::new(settings(&server.uri(), Duration::from_millis(200))).unwrap();
    let error = gateway.create_checkout_session(&request(BillingPlan::Plan1)).await;
    assert_eq!(error, Err(PaymentError::Unavailable("Stripe timed out".into())));
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable() {
    // A port nothing listens on (wiremock keeps its servers running in a pool after a drop).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let gateway = StripeGateway::new(settings(&uri, Duration::from_secs(2))).unwrap();
    let error = gateway.create_checkout_session(&request(BillingPlan::Plan1)).await;
    assert!(matches!(error, Err(PaymentError::Unavailable(_))), "{error:?}");
}

#[tokio::test]
async fn an_unusable_idempotency_key_is_refused_without_a_request() {
    let server = MockServer::start().await;
    checkout_request()
        .respond_with(created())
        .expect(0)
        .mount(&server)
        .await;
    for key in ["", "  ", "line\nbreak"] {
        let request = CheckoutRequest {
            idempotency_key: key.into(),
            ..request(BillingPlan::Plan1)
        };
        let error = gateway(&server).create_checkout_session(&request).await;
        assert!(matches!(error, Err(PaymentError::Refused(_))), "{key:?}");
    }
}

#[test]
fn the_key_never_appears_in_debug_output() {
    let settings = settings("https://api.stripe.com", Duration::from_secs(5));
    assert!(!format!("{settings:?}").contains(KEY));
    let gateway = StripeGateway::new(settings).unwrap();
    let debug = format!("{gateway:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(!debug.contains("sk_test"), "{debug}");
    assert!(debug.contains("price_1QxPlanOne"), "{debug}");
}

#[test]
fn unusable_settings_are_refused() {
    let base = || settings("https://api.stripe.com", Duration::from_secs(5));
    let refused = |settings: StripeSettings| StripeGateway::new(settings).unwrap_err();

    assert_eq!(
        refused(StripeSettings {
            api_key: "  ".into(),
            ..base()
        }),
        StripeConfigError::InvalidApiKey
    );
    assert_eq!(
        refused(StripeSettings {
            api_key: "sk_test_bad\nkey".into(),
            ..base()
        }),
        StripeConfigError::InvalidApiKey
    );
    for (plan, prices) in [
        (
            BillingPlan::Plan1,
            StripePrices {
                plan_1: String::new(),
                ..prices()
            },
        ),
        (
            BillingPlan::Plan2To5,
            StripePrices {
                plan_2_5: " ".into(),
                ..prices()
            },
        ),
        (
            BillingPlan::Plan6To15,
            StripePrices {
                plan_6_15: String::new(),
                ..prices()
            },
        ),
    ] {
        assert_eq!(
            refused(StripeSettings { prices, ..base() }),
            StripeConfigError::MissingPrice(plan)
        );
    }
    assert_eq!(
        refused(StripeSettings {
            timeout: Duration::ZERO,
            ..base()
        }),
        StripeConfigError::ZeroTimeout
    );
    assert!(matches!(
        refused(StripeSettings {
            api_base: "ftp://api.stripe.com".into(),
            ..base()
        }),
        StripeConfigError::InvalidApiBase(_)
    ));
    assert!(
        !refused(StripeSettings {
            api_key: " ".into(),
            ..base()
        })
        .to_string()
        .contains(KEY)
    );
}
