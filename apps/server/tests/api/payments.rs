//! Payments end to end: Stripe's signed webhook, provisioning once however often an event comes,
//! all-or-nothing on failure, and the road from intake to a signed-in client.

use chrono::Utc;
use serde_json::{Value, json};

use crate::access_helpers::{PASSWORD, create_admin};
use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app, valid_intake};
use crate::recovery::{emails_of, token_in, wait_for};

pub const WEBHOOK_SECRET: &str = "whsec_test_secret";
const STRIPE: &[(&str, &str)] = &[("STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)];

on_both_backends!(
    from_intake_to_a_signed_in_client,
    one_checkout_event_however_delivered_provisions_once
);

pub fn checkout_completed(event_id: &str, client_id: &str) -> Value {
    json!({
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "created": Utc::now().timestamp(),
        "data": { "object": {
            "id": "cs_test_1", "object": "checkout.session", "client_reference_id": client_id,
            "customer": "cus_test_1", "subscription": "sub_test_1", "payment_status": "paid", "mode": "subscription"
        }}
    })
}

/// Posts `event` with a signature made at `at` with `secret`.
pub async fn deliver_signed(app: &TestApp, event: &Value, secret: &str, at: i64) -> reqwest::Response {
    let body = serde_json::to_vec(event).unwrap();
    let signature = adapter_stripe::sign(&body, secret, at);
    app.http
        .post(format!("{}/api/webhook/stripe", app.address))
        .header("Stripe-Signature", signature)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

pub async fn deliver(app: &TestApp, event: &Value) -> reqwest::Response {
    deliver_signed(app, event, WEBHOOK_SECRET, Utc::now().timestamp()).await
}

/// A client that paid, was provisioned and set its password from the emailed link.
pub async fn provisioned_client(app: &TestApp, email: &str) -> domain::PortalUser {
    provisioned_from(app, &crate::helpers::valid_intake(email)).await
}

/// A client that paid, was provisioned and set its password, from this intake.
pub async fn provisioned_from(app: &TestApp, intake: &Value) -> domain::PortalUser {
    let email = intake["email"].as_str().unwrap();
    let response = app.submit_intake(intake).await;
    assert_eq!(response.status(), 201, "intake refused");
    let client_id = response.json::<Value>().await.unwrap()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let event = checkout_completed(&format!("evt_{}", uuid::Uuid::new_v4().simple()), &client_id);
    assert_eq!(deliver(app, &event).await.status(), 200);
    let mut link = None;
    for _ in 0..200 {
        let setups = emails_of(app, "password-setup");
        link = setups
            .iter()
            .find(|e| e["to"] == email)
            .map(|e| e["model"]["setup_url"].as_str().unwrap().to_owned());
        if link.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let link = link.expect("the setup email arrives");
    assert_eq!(app.set_password(token_in(&link), PASSWORD).await.status(), 204);
    let email = domain::Email::parse(email).unwrap();
    app.store.find_user_by_email(&email).await.unwrap().unwrap()
}

async fn from_intake_to_a_signed_in_client(app: TestApp) {
    let client_id = app.intake("paying@example.com").await.to_string();
    let response = deliver(&app, &checkout_completed("evt_e2e", &client_id)).await;
    assert_eq!(response.status(), 200);
    let ack: Value = response.json().await.unwrap();
    assert_eq!(
        (ack["status"].as_str(), ack["provisioning"].as_str()),
        (Some("applied"), Some("completed"))
    );

    let status: Value = app.intake_status(&client_id).await.json().await.unwrap();
    assert_eq!(status["onboarding_status"], "PROVISIONED");
    assert_eq!(status["subscription_status"], "ACTIVE");
    wait_for(&app, "payment-receipt", 1).await;
    let setup = wait_for(&app, "password-setup", 1).await.remove(0);
    assert_eq!(setup["to"], "paying@example.com");
    let link = setup["model"]["setup_url"].as_str().unwrap();
    assert_eq!(app.set_password(token_in(link), PASSWORD).await.status(), 204);
    let token = app.token("paying@example.com").await;
    let me: Value = app.me(&token).await.json().await.unwrap();
    assert_eq!(
        (me["role"].as_str(), me["client_id"].as_str()),
        (Some("CLIENT"), Some(client_id.as_str()))
    );
}

async fn count_requirements(app: &TestApp, client_id: &str) -> usize {
    app.store
        .list_requirements(client_id.parse().unwrap())
        .await
        .unwrap()
        .len()
}

async fn one_checkout_event_however_delivered_provisions_once(app: TestApp) {
    let client_id = app.intake("repeat@example.com").await.to_string();
    let event = checkout_completed("evt_repeat", &client_id);
    assert_eq!(deliver(&app, &event).await.status(), 200);
    let requirements = count_requirements(&app, &client_id).await;
    assert!(requirements >= 3, "gas, electrics, EPC at least: {requirements}");

    for _ in 0..50 {
        let ack: Value = deliver(&app, &event).await.json().await.unwrap();
        assert_eq!(ack["status"], "duplicate");
    }
    let concurrent: Vec<_> = (0..50)
        .map(|_| {
            let (http, address, body) = (
                app.http.clone(),
                app.address.clone(),
                serde_json::to_vec(&event).unwrap(),
            );
            tokio::spawn(async move {
                let signature = adapter_stripe::sign(&body, WEBHOOK_SECRET, Utc::now().timestamp());
                let url = format!("{address}/api/webhook/stripe");
                http.post(url)
                    .header("Stripe-Signature", signature)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for delivery in concurrent {
        assert!(delivery.await.unwrap().is_success());
    }

    assert_eq!(count_requirements(&app, &client_id).await, requirements);
    let email = domain::Email::parse("repeat@example.com").unwrap();
    assert!(app.store.find_user_by_email(&email).await.unwrap().is_some());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(wait_for(&app, "password-setup", 1).await.len(), 1, "one setup email");
    assert_eq!(emails_of(&app, "payment-receipt").len(), 1, "one receipt");
    let entries = app
        .store
        .entries_for_client(client_id.parse().unwrap(), 500)
        .await
        .unwrap();
    let count = |action| entries.iter().filter(|e| e.entry.action == action).count();
    assert_eq!(count(domain::AuditAction::ProvisioningComplete), 1);
    assert_eq!(count(domain::AuditAction::PaymentReceived), 1);
}

#[tokio::test]
async fn the_webhook_refuses_anything_not_signed_with_our_secret() {
    let off = spawn_app(Backend::Sqlite, &[("STRIPE_WEBHOOK_SECRET", "")])
        .await
        .unwrap();
    assert_eq!(deliver(&off, &checkout_completed("evt_off", "x")).await.status(), 503);

    let app = spawn_app(Backend::Sqlite, STRIPE).await.unwrap();
    let client_id = app.intake("signed@example.com").await.to_string();
    let event = checkout_completed("evt_sig", &client_id);
    let now = Utc::now().timestamp();
    assert_eq!(
        deliver_signed(&app, &event, "whsec_other", now).await.status(),
        400,
        "wrong secret"
    );
    assert_eq!(
        deliver_signed(&app, &event, WEBHOOK_SECRET, now - 301).await.status(),
        400,
        "301 s old"
    );
    let body = serde_json::to_vec(&event).unwrap();
    let post = |signature: Option<String>, body: Vec<u8>| {
        let mut request = app.http.post(format!("{}/api/webhook/stripe", app.address)).body(body);
        if let Some(signature) = signature {
            request = request.header("Stripe-Signature", signature);
        }
        request.send()
    };
    let mut changed = body.clone();
    let at = changed.iter().position(|b| *b == b'p').unwrap();
    changed[at] = b'P';
    let signature = adapter_stripe::sign(&body, WEBHOOK_SECRET, now);
    assert_eq!(
        post(Some(signature.clone()), changed).await.unwrap().status(),
        400,
        "one changed byte"
    );
    let missing = post(None, body.clone()).await.unwrap();
    assert_eq!(missing.status(), 400, "no header");
    assert_eq!(missing.json::<Value>().await.unwrap()["code"], "invalid_signature");
    assert_eq!(
        app.store
            .list_requirements(client_id.parse().unwrap())
            .await
            .unwrap()
            .len(),
        0,
        "nothing applied"
    );

    let wrong = adapter_stripe::sign(&body, "whsec_other", now);
    let (_, wrong_v1) = wrong.split_once(",v1=").unwrap();
    let two = format!("{signature},v1={wrong_v1}");
    let accepted = post(Some(two), body).await.unwrap();
    assert_eq!(accepted.status(), 200, "one valid v1 among two is enough");
}

#[tokio::test]
async fn a_failure_half_way_through_provisioning_leaves_only_failed_and_a_rerun_completes() {
    let app = spawn_app(Backend::Sqlite, STRIPE).await.unwrap();
    create_admin(&app, "ops@example.com").await;
    let admin = app.token("ops@example.com").await;
    let client_id = app.intake("fragile@example.com").await.to_string();
    // A trigger that fails the third requirement of any provisioning run.
    let db = app.settings.data_dir.join("compliance-vault.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::raw_sql(
        "CREATE TRIGGER fail_half_way BEFORE INSERT ON requirements \
         WHEN (SELECT COUNT(*) FROM requirements WHERE client_id = NEW.client_id) >= 2 \
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    )
    .execute(&pool)
    .await
    .unwrap();

    let ack: Value = deliver(&app, &checkout_completed("evt_fragile", &client_id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (ack["status"].as_str(), ack["provisioning"].as_str()),
        (Some("applied"), Some("failed"))
    );
    let status: Value = app.intake_status(&client_id).await.json().await.unwrap();
    assert_eq!(status["onboarding_status"], "FAILED");
    assert_eq!(
        app.store
            .list_requirements(client_id.parse().unwrap())
            .await
            .unwrap()
            .len(),
        0
    );
    let email = domain::Email::parse("fragile@example.com").unwrap();
    assert!(app.store.find_user_by_email(&email).await.unwrap().is_none());
    let entries = app
        .store
        .entries_for_client(client_id.parse().unwrap(), 50)
        .await
        .unwrap();
    let failed = entries
        .iter()
        .find(|e| e.entry.action == domain::AuditAction::ProvisioningFailed)
        .unwrap();
    assert!(
        failed.entry.metadata.as_ref().unwrap()["reason"]
            .as_str()
            .unwrap()
            .contains("injected failure")
    );
    let started = entries
        .iter()
        .filter(|e| e.entry.action == domain::AuditAction::ProvisioningStarted);
    assert_eq!(started.count(), 1, "a run that started, then failed");
    assert!(
        !entries
            .iter()
            .any(|e| e.entry.action == domain::AuditAction::ProvisioningComplete)
    );

    sqlx::raw_sql("DROP TRIGGER fail_half_way")
        .execute(&pool)
        .await
        .unwrap();
    let rerun = app
        .http
        .post(format!("{}/api/admin/clients/{client_id}/provision", app.address))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(rerun.status(), 200);
    let body: Value = rerun.json().await.unwrap();
    assert_eq!(
        (body["status"].as_str(), body["user_created"].as_bool()),
        (Some("completed"), Some(true))
    );
    wait_for(&app, "password-setup", 1).await;
    let again: Value = app
        .http
        .post(format!("{}/api/admin/clients/{client_id}/provision", app.address))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["status"], "already_done");
    let unpaid = app.intake("unpaid@example.com").await.to_string();
    let refused = app
        .http
        .post(format!("{}/api/admin/clients/{unpaid}/provision", app.address))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    assert_eq!(refused.json::<Value>().await.unwrap()["code"], "not_paid");
}

#[tokio::test]
async fn with_stripe_configured_an_intake_gets_its_checkout_and_can_ask_again_until_paid() {
    use wiremock::matchers::{body_string_contains, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let stripe = MockServer::start().await;
    let url = "https://checkout.stripe.com/c/pay/cs_test_abc";
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header("Authorization", "Bearer sk_test_key"))
        .and(body_string_contains("mode=subscription"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "cs_test_abc", "url": url })))
        .mount(&stripe)
        .await;
    let base = stripe.uri();
    let settings = [
        ("STRIPE_API_KEY", "sk_test_key"),
        ("STRIPE_API_BASE", base.as_str()),
        ("STRIPE_PRICE_PLAN_1", "price_one"),
        ("STRIPE_PRICE_PLAN_2_5", "price_few"),
        ("STRIPE_PRICE_PLAN_6_15", "price_many"),
    ];
    let app = spawn_app(Backend::Sqlite, &settings).await.unwrap();
    let created: Value = app
        .submit_intake(&valid_intake("checkout@example.com"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["checkout_url"], url);
    let client_id = created["client_id"].as_str().unwrap().to_owned();
    let requests = stripe.received_requests().await.unwrap();
    let form = String::from_utf8(requests[0].body.clone()).unwrap();
    assert!(form.contains(&format!("client_reference_id={client_id}")), "{form}");
    assert!(form.contains("price_one"), "the plan's price: {form}");
    assert_eq!(
        requests[0].headers["idempotency-key"],
        format!("checkout-{client_id}-PLAN_1").as_str()
    );
    assert!(requests[0].headers.get("idempotency-key").is_some());

    let again = app
        .http
        .post(format!("{}/api/intake/{client_id}/checkout", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(again.json::<Value>().await.unwrap()["checkout_url"], url);
    deliver(&app, &checkout_completed("evt_paid", &client_id)).await;
    let paid = app
        .http
        .post(format!("{}/api/intake/{client_id}/checkout", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), 409);
    assert_eq!(paid.json::<Value>().await.unwrap()["code"], "already_paid");
}
