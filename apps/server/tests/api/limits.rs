//! The limits around the intake: body size, media type, JSON syntax and the rate per address,
//! in memory and shared through Redis.

use serde_json::Value;

use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app, start, valid_intake};

on_both_backends!(
    a_body_over_64_kib_is_413,
    a_body_that_is_not_json_is_415_and_malformed_json_400
);

async fn a_body_over_64_kib_is_413(app: TestApp) {
    let mut body = valid_intake("big@example.com");
    body["padding"] = "x".repeat(65 * 1024).into();
    let response = app.submit_intake(&body).await;
    assert_eq!(response.status(), 413);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "payload_too_large");
    assert_eq!(app.store.count_clients().await.unwrap(), 0);
}

async fn a_body_that_is_not_json_is_415_and_malformed_json_400(app: TestApp) {
    let url = format!("{}/api/intake/submit", app.address);
    let form = app
        .http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=b")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    let bare = app.http.post(&url).body("{}").send().await.unwrap();
    assert_eq!(bare.status(), 415, "no content type is not JSON");
    let broken = app
        .http
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"full_name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), 400);
    let problem: Value = broken.json().await.unwrap();
    assert_eq!(problem["code"], "malformed_body");
}

#[tokio::test]
async fn the_eleventh_intake_from_one_address_in_a_minute_is_429() {
    let app = spawn_app(Backend::Sqlite, &[("INTAKE_RATE_LIMIT_PER_MINUTE", "10")])
        .await
        .unwrap();
    for i in 0..10 {
        let response = app.submit_intake(&valid_intake(&format!("rate{i}@example.com"))).await;
        assert_eq!(response.status(), 201, "intake {i}");
    }
    let response = app.submit_intake(&valid_intake("rate10@example.com")).await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "rate_limited");
    assert_eq!(app.store.count_clients().await.unwrap(), 10);
}

#[tokio::test]
#[cfg_attr(not(has_redis), ignore = "needs TEST_REDIS_URL")]
async fn two_instances_on_one_redis_share_one_intake_limit() {
    let Some(redis) = testkit::services::service_url("TEST_REDIS_URL") else {
        return;
    };
    let prefix = format!("compliance-vault-test-{}:", uuid::Uuid::new_v4().simple());
    let settings = [
        ("INTAKE_RATE_LIMIT_PER_MINUTE", "10"),
        ("REDIS_URL", redis.as_str()),
        ("REDIS_KEY_PREFIX", &prefix),
    ];
    let app = spawn_app(Backend::Sqlite, &settings).await.unwrap();
    let second = start(&app.settings).await;

    for i in 0..10 {
        let base = if i % 2 == 0 { &app.address } else { &second };
        let response = app
            .http
            .post(format!("{base}/api/intake/submit"))
            .json(&valid_intake(&format!("shared{i}@example.com")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "intake {i}");
    }
    for base in [&app.address, &second] {
        let response = app
            .http
            .post(format!("{base}/api/intake/submit"))
            .json(&valid_intake("one-too-many@example.com"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            429,
            "the limit is shared, whichever instance answers"
        );
        assert!(response.headers().contains_key("retry-after"));
    }
}
