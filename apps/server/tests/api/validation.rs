//! Refused intakes: every bad field named with its code, nothing stored.

use serde_json::{Value, json};

use crate::helpers::{TestApp, on_both_backends, property, valid_intake};

on_both_backends!(
    every_bad_intake_is_422_naming_the_field_and_stores_nothing,
    all_bad_fields_are_reported_at_once,
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
