//! Refused intakes: every bad field named with its code, nothing stored; and the transport
//! limits (size, media type, syntax, rate).

use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, on_both_backends, property, spawn_app, start, valid_intake};

on_both_backends!(
    every_bad_intake_is_422_naming_the_field_and_stores_nothing,
    all_bad_fields_are_reported_at_once,
    a_body_over_64_kib_is_413,
    a_body_that_is_not_json_is_415_and_malformed_json_400,
);

type Mutation = fn(&mut Value);

/// (what is wrong, how to break a valid intake, the field named, the code given)
const BAD_INTAKES: &[(&str, Mutation, &str, &str)] = &[
    ("full_name missing", |b| remove(b, "full_name"), "full_name", "required"),
    (
        "full_name blank",
        |b| b["full_name"] = "   ".into(),
        "full_name",
        "required",
    ),
    (
        "full_name not a string",
        |b| b["full_name"] = 123.into(),
        "full_name",
        "invalid_type",
    ),
    (
        "full_name too long",
        |b| b["full_name"] = "x".repeat(201).into(),
        "full_name",
        "too_long",
    ),
    (
        "full_name with a NUL",
        |b| b["full_name"] = "a\u{0}b".into(),
        "full_name",
        "invalid_characters",
    ),
    ("email missing", |b| remove(b, "email"), "email", "required"),
    (
        "email malformed",
        |b| b["email"] = "not-an-email".into(),
        "email",
        "invalid_email",
    ),
    (
        "email too long",
        |b| b["email"] = format!("{}@example.com", "a".repeat(300)).into(),
        "email",
        "too_long",
    ),
    (
        "client_type missing",
        |b| remove(b, "client_type"),
        "client_type",
        "required",
    ),
    (
        "client_type unknown",
        |b| b["client_type"] = "LANDLORD".into(),
        "client_type",
        "invalid_value",
    ),
    (
        "company without its name",
        |b| b["client_type"] = "COMPANY".into(),
        "company_name",
        "required",
    ),
    (
        "agent without its name",
        |b| b["client_type"] = "LETTING_AGENT".into(),
        "company_name",
        "required",
    ),
    (
        "phone not a number",
        |b| b["phone"] = "call me".into(),
        "phone",
        "invalid_phone",
    ),
    (
        "preferred_contact missing",
        |b| remove(b, "preferred_contact"),
        "preferred_contact",
        "required",
    ),
    (
        "preferred_contact unknown",
        |b| b["preferred_contact"] = "FAX".into(),
        "preferred_contact",
        "invalid_value",
    ),
    (
        "billing_plan missing",
        |b| remove(b, "billing_plan"),
        "billing_plan",
        "required",
    ),
    (
        "billing_plan unknown",
        |b| b["billing_plan"] = "PLAN_99".into(),
        "billing_plan",
        "invalid_value",
    ),
    (
        "PLAN_1 with two properties",
        |b| b["properties"] = json!([property(), property()]),
        "properties",
        "too_many_properties",
    ),
    (
        "PLAN_2_5 with one property",
        |b| b["billing_plan"] = "PLAN_2_5".into(),
        "properties",
        "too_few_properties",
    ),
    (
        "PLAN_6_15 with sixteen",
        |b| {
            b["billing_plan"] = "PLAN_6_15".into();
            b["properties"] = Value::Array(vec![property(); 16]);
        },
        "properties",
        "too_many_properties",
    ),
    (
        "properties missing",
        |b| remove(b, "properties"),
        "properties",
        "required",
    ),
    (
        "properties not a list",
        |b| b["properties"] = "x".into(),
        "properties",
        "invalid_type",
    ),
    (
        "property not an object",
        |b| b["properties"] = json!(["x"]),
        "properties[0]",
        "invalid_type",
    ),
    (
        "consent refused",
        |b| b["consent_data_processing"] = false.into(),
        "consent_data_processing",
        "must_be_true",
    ),
    (
        "consent missing",
        |b| remove(b, "consent_data_processing"),
        "consent_data_processing",
        "required",
    ),
    (
        "consent not a boolean",
        |b| b["consent_data_processing"] = "yes".into(),
        "consent_data_processing",
        "invalid_type",
    ),
    (
        "a field clients may not set",
        |b| b["onboarding_status"] = "PROVISIONED".into(),
        "onboarding_status",
        "unknown_field",
    ),
    (
        "postcode missing",
        |b| remove(&mut b["properties"][0], "postcode"),
        "properties[0].postcode",
        "required",
    ),
    (
        "postcode malformed",
        |b| b["properties"][0]["postcode"] = "12345".into(),
        "properties[0].postcode",
        "invalid_postcode",
    ),
    (
        "address too long",
        |b| b["properties"][0]["address_line_1"] = "x".repeat(201).into(),
        "properties[0].address_line_1",
        "too_long",
    ),
    (
        "city missing",
        |b| remove(&mut b["properties"][0], "city"),
        "properties[0].city",
        "required",
    ),
    (
        "nation unknown",
        |b| b["properties"][0]["nation"] = "FRANCE".into(),
        "properties[0].nation",
        "invalid_value",
    ),
    (
        "gas flag not a boolean",
        |b| b["properties"][0]["has_gas_supply"] = "yes".into(),
        "properties[0].has_gas_supply",
        "invalid_type",
    ),
    (
        "tenancy date malformed",
        |b| b["properties"][0]["tenancy_start_date"] = "01/06/2025".into(),
        "properties[0].tenancy_start_date",
        "invalid_date",
    ),
    ("body not an object", |b| *b = json!([1, 2]), "", "invalid_type"),
];

fn remove(value: &mut Value, key: &str) {
    value.as_object_mut().expect("an object").remove(key);
}

async fn every_bad_intake_is_422_naming_the_field_and_stores_nothing(app: TestApp) {
    assert!(BAD_INTAKES.len() >= 20);
    for (i, (what, mutate, field, code)) in BAD_INTAKES.iter().enumerate() {
        let mut body = valid_intake(&format!("bad{i}@example.com"));
        mutate(&mut body);
        let response = app.submit_intake(&body).await;
        assert_eq!(response.status(), 422, "{what}");
        assert_eq!(response.headers()["content-type"], "application/problem+json", "{what}");
        let problem: Value = response.json().await.unwrap();
        let named = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == *field && e["code"] == *code);
        assert!(named, "{what}: expected {field}/{code} in {problem}");
    }
    assert_eq!(
        app.store.count_clients().await.unwrap(),
        0,
        "no refused intake is stored"
    );
    assert_eq!(
        app.store.unsealed_count().await.unwrap(),
        0,
        "no refused intake is audited"
    );
}

async fn all_bad_fields_are_reported_at_once(app: TestApp) {
    let body = json!({
        "email": "nope", "client_type": "COMPANY", "billing_plan": "PLAN_2_5",
        "properties": [{"city": "", "postcode": "??"}], "consent_data_processing": false
    });
    let problem: Value = app.submit_intake(&body).await.json().await.unwrap();
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "company_name",
            "consent_data_processing",
            "email",
            "full_name",
            "preferred_contact",
            "properties",
            "properties[0].address_line_1",
            "properties[0].city",
            "properties[0].postcode",
        ]
    );
    assert_eq!(problem["status"], 422);
    assert!(problem["request_id"].is_string());
}

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
