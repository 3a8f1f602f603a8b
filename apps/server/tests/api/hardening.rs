//! Resources and limits under an attacker's load: bounded password hashing, a rate limiter that
//! is full rather than forgetful, refusals that cannot grow the audit log, and every error as
//! problem+json.

use std::sync::Arc;

use domain::AuditAction;
use serde_json::{Value, json};

use crate::access_helpers::{PASSWORD, create_admin, session_for};
use crate::helpers::{Backend, TestApp, audited, spawn_app, valid_intake};

/// A sign-in as if from `address`, through our trusted proxy (the test client's 127.0.0.1).
async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(format!("{}/api/auth/login", app.address))
        .header("X-Forwarded-For", address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_past_the_hash_bound_are_told_to_retry_and_nothing_fails() {
    let app = Arc::new(
        spawn_app(
            Backend::Sqlite,
            &[("PASSWORD_HASH_CONCURRENCY", "1"), ("PASSWORD_HASH_QUEUE", "1")],
        )
        .await
        .unwrap(),
    );
    let attempts: Vec<_> = (0..16)
        .map(|i| {
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                let response = app.login(&format!("nobody{i}@example.com"), PASSWORD).await;
                let status = response.status().as_u16();
                let retry_after = response.headers().get("retry-after").cloned();
                let body: Value = response.json().await.unwrap();
                (status, retry_after, body)
            })
        })
        .collect();
    let mut busy = 0;
    for attempt in attempts {
        let (status, retry_after, body) = attempt.await.unwrap();
        match status {
            401 => assert_eq!(body["code"], "invalid_credentials"),
            503 => {
                busy += 1;
                assert_eq!(body["code"], "busy");
                assert!(retry_after.is_some(), "503 says when to retry");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(busy > 0, "one hash at a time and one waiting: the rest are shed");
    assert!(busy < 16, "some were checked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_rate_limiter_refuses_new_sign_in_keys_while_intake_goes_on_and_health_says_so() {
    // Each sign-in counts three keys: the address, the account from the address, the account.
    let app = spawn_app(
        Backend::Sqlite,
        &[("RATE_LIMIT_CAPACITY", "5"), ("TRUSTED_PROXIES", "127.0.0.1")],
    )
    .await
    .unwrap();
    let first = login_from(&app, "198.51.100.1", "a@example.com", "wrong password here").await;
    assert_eq!(first.status(), 401);
    let second = login_from(&app, "198.51.100.2", "b@example.com", "wrong password here").await;
    assert_eq!(second.status(), 429, "no room for the sixth key of a security limit");
    assert!(second.headers().contains_key("retry-after"));

    let health: Value = app.get("/api/health").await.json().await.unwrap();
    assert_eq!(
        health["rate_limiter"],
        json!({ "backend": "memory", "keys": 5, "capacity": 5, "full": true, "degraded": false })
    );
    let intake = app
        .http
        .post(format!("{}/api/intake/submit", app.address))
        .header("X-Forwarded-For", "198.51.100.3")
        .json(&valid_intake("still-open@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(intake.status(), 201, "intake is not a security limit");
    // Keys already held are still counted.
    let again = login_from(&app, "198.51.100.1", "a@example.com", "wrong password here").await;
    assert_eq!(again.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_refusals_are_audited_once_a_minute_with_the_route_pattern_not_the_path() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let long_id = "x".repeat(7_000);
    for _ in 0..50 {
        let response = app.get(&format!("/api/admin/clients/{long_id}/documents")).await;
        assert_eq!(response.status(), 401);
    }
    let refusals = audited(&app, AuditAction::RouteGuardRedirect).await;
    assert_eq!(refusals.len(), 1, "the first refusal of the minute, not fifty");
    let metadata = refusals[0].entry.metadata.as_ref().unwrap();
    assert_eq!(metadata["route"], "/api/admin/clients/{client_id}/documents");
    assert_eq!(metadata["reason"], "not_signed_in");
    assert!(metadata.to_string().len() < 512, "{metadata}");
    assert!(!metadata.to_string().contains("xxxxxxxx"));
    // Another route is another entry.
    assert_eq!(app.get("/api/auth/me").await.status(), 401);
    assert_eq!(audited(&app, AuditAction::RouteGuardRedirect).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_on_one_account_are_limited_across_addresses() {
    let app = spawn_app(
        Backend::Sqlite,
        &[
            ("TRUSTED_PROXIES", "127.0.0.1"),
            ("LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_ADDRESSES", "3"),
        ],
    )
    .await
    .unwrap();
    create_admin(&app, "admin@example.com").await;
    for i in 1..=3 {
        let response = login_from(
            &app,
            &format!("198.51.100.{i}"),
            "admin@example.com",
            "wrong guess here",
        )
        .await;
        assert_eq!(response.status(), 401, "attempt {i}");
    }
    let fourth = login_from(&app, "203.0.113.99", "admin@example.com", "wrong guess here").await;
    assert_eq!(fourth.status(), 429, "a fresh address does not buy fresh guesses");
    let retry_after: u64 = fourth.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(
        (1..=15 * 60).contains(&retry_after),
        "a wait, not a lock: {retry_after} s"
    );
    // Other accounts are not held back by it.
    let other = login_from(&app, "203.0.113.99", "someone@example.com", "wrong guess here").await;
    assert_eq!(other.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_callers_share_one_limit_per_64() {
    let app = spawn_app(
        Backend::Sqlite,
        &[("TRUSTED_PROXIES", "127.0.0.1"), ("INTAKE_RATE_LIMIT_PER_MINUTE", "2")],
    )
    .await
    .unwrap();
    let submit = |address: &'static str, email: &'static str| {
        let app = &app;
        async move {
            app.http
                .post(format!("{}/api/intake/submit", app.address))
                .header("X-Forwarded-For", address)
                .json(&valid_intake(email))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(submit("2001:db8:1:2::1", "v6a@example.com").await, 201);
    assert_eq!(submit("[2001:db8:1:2::2]:4711", "v6b@example.com").await, 201);
    assert_eq!(submit("2001:db8:1:2:ffff::3", "v6c@example.com").await, 429, "one /64");
    assert_eq!(submit("2001:db8:1:3::1", "v6d@example.com").await, 201, "another /64");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_before_any_handler_are_problem_json_too() {
    let app = spawn_app(Backend::Sqlite, &[("CORS_ALLOWED_ORIGINS", "https://portal.example")])
        .await
        .unwrap();
    let problem = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        let body: Value = response.json().await.unwrap();
        (status, content_type, body)
    };

    // A preflight from an origin that is not allowed.
    let preflight = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/api/auth/login", app.address))
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    let (status, content_type, body) = problem(preflight).await;
    assert_eq!((status, content_type.as_str()), (400, "application/problem+json"));
    assert_eq!(body["code"], "bad_request");
    assert!(body["request_id"].is_string());

    // A webhook body past its limit.
    let oversize = app
        .http
        .post(format!("{}/api/webhook/stripe", app.address))
        .header("Stripe-Signature", "t=1,v1=00")
        .body(vec![b'x'; 2 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    let (status, content_type, body) = problem(oversize).await;
    assert_eq!((status, content_type.as_str()), (413, "application/problem+json"));
    assert_eq!(body["code"], "payload_too_large");

    // A query string that does not parse.
    let admin = create_admin(&app, "admin@example.com").await;
    let token = session_for(&admin);
    let query = app
        .http
        .get(format!("{}/api/admin/messages?page=first", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let (status, content_type, body) = problem(query).await;
    assert_eq!((status, content_type.as_str()), (400, "application/problem+json"));
    assert_eq!(body["code"], "invalid_query");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_422_lists_at_most_fifty_errors_and_says_how_many_more() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let mut body = valid_intake("many@example.com");
    body["billing_plan"] = json!("PLAN_6_15");
    // Fifteen properties (the most read), each with six faults: 90 errors.
    let bad = json!({"postcode": "nowhere", "colour": 1, "size": 2, "age": 3});
    body["properties"] = json!(vec![bad; 15]);
    let response = app.submit_intake(&body).await;
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"].as_array().unwrap().len(), 50);
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("the first 50 are listed"), "{detail}");
}
