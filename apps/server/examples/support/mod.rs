//! What the benchmarks against a running server share: a client that signs up, pays, sets its
//! password from the emailed link and signs in, as a real one would.

// Each benchmark compiles this module on its own and uses part of it.
#![allow(dead_code)]

use std::time::Duration;

use serde_json::{Value, json};

/// The password every benchmark client sets.
pub const PASSWORD: &str = "bench runs through the lettings ledger";

/// Submits `intake`, pays through a signed Stripe event, sets the password from the outbox's
/// link and signs in: the session token and the new client's id.
pub async fn signed_up(
    http: &reqwest::Client,
    base: &str,
    secret: &str,
    data_dir: &str,
    intake: &Value,
) -> (String, String) {
    let email = intake["email"].as_str().expect("an intake with an email");
    let created = json_of(http.post(format!("{base}/api/intake/submit")).json(intake)).await;
    let client_id = created["client_id"].as_str().unwrap().to_owned();
    assert_eq!(pay(http, base, secret, &client_id, &new_event_id()).await, Some(200));
    let link = wait_for_link(data_dir, email).await;
    (set_password_and_sign_in(http, base, email, &link).await, client_id)
}

/// Sets [`PASSWORD`] through the emailed `link`, then signs in: the session token.
pub async fn set_password_and_sign_in(http: &reqwest::Client, base: &str, email: &str, link: &str) -> String {
    let token = link.split_once("token=").unwrap().1;
    let set = json!({"token": token, "password": PASSWORD});
    let response = http
        .post(format!("{base}/api/auth/set-password"))
        .json(&set)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    sign_in(http, base, email, PASSWORD).await
}

/// A fresh Stripe event id.
pub fn new_event_id() -> String {
    format!("evt_{}", uuid::Uuid::new_v4().simple())
}

/// Delivers `checkout.session.completed` for `client_id` as Stripe does, signed, with `event_id`
/// (Stripe redelivers the same id): the status answered, `None` when no answer came.
pub async fn pay(http: &reqwest::Client, base: &str, secret: &str, client_id: &str, event_id: &str) -> Option<u16> {
    let event = serde_json::to_vec(&json!({
        "id": event_id, "type": "checkout.session.completed", "created": chrono::Utc::now().timestamp(),
        "data": {"object": {"client_reference_id": client_id, "payment_status": "paid"}}
    }))
    .unwrap();
    let signature = adapter_stripe::sign(&event, secret, chrono::Utc::now().timestamp());
    let sent = http
        .post(format!("{base}/api/webhook/stripe"))
        .header("Stripe-Signature", signature)
        .body(event)
        .send()
        .await;
    sent.ok().map(|response| response.status().as_u16())
}

/// The JSON a request answers.
pub async fn json_of(request: reqwest::RequestBuilder) -> Value {
    request.send().await.unwrap().json().await.unwrap()
}

/// The signed-in client's dashboard.
pub async fn dashboard(http: &reqwest::Client, base: &str, token: &str) -> Value {
    json_of(http.get(format!("{base}/api/client/dashboard")).bearer_auth(token)).await
}

/// A session token for `email`.
pub async fn sign_in(http: &reqwest::Client, base: &str, email: &str, password: &str) -> String {
    let login = json_of(
        http.post(format!("{base}/api/auth/login"))
            .json(&json!({"email": email, "password": password})),
    )
    .await;
    login["access_token"].as_str().expect("signed in").to_owned()
}

async fn wait_for_link(data_dir: &str, email: &str) -> String {
    for _ in 0..400 {
        for entry in std::fs::read_dir(format!("{data_dir}/outbox"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let Ok(mail) = serde_json::from_slice::<Value>(&std::fs::read(entry.path()).unwrap_or_default()) else {
                continue;
            };
            if mail["to"] == email && mail["template_alias"] == "password-setup" {
                return mail["model"]["setup_url"].as_str().unwrap().to_owned();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no setup email for {email}");
}
