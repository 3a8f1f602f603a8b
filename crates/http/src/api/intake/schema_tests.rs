//! The `IntakeRequest` schema in the OpenAPI document says what the parser does: the same
//! fields, the same required ones, the same length limits and the same number of properties.
//! Each limit is checked by parsing a body at the limit and one past it.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::form::{CLIENT_FIELDS, PROPERTY_FIELDS};
use super::parse_intake;

fn schema(name: &str) -> Value {
    let document = serde_json::to_value(crate::api::openapi()).unwrap();
    document["components"]["schemas"][name].clone()
}

fn names(schema: &Value, key: &str) -> BTreeSet<String> {
    match &schema[key] {
        Value::Object(map) => map.keys().cloned().collect(),
        Value::Array(items) => items.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
        _ => BTreeSet::new(),
    }
}

/// A valid body: an individual on the one-property plan.
fn valid() -> Value {
    json!({
        "full_name": "Test Client", "email": "test@example.com", "client_type": "INDIVIDUAL",
        "company_name": "Test Lettings", "phone": "+442079460000", "preferred_contact": "EMAIL",
        "billing_plan": "PLAN_1", "consent_data_processing": true, "consent_communications": false,
        "properties": [{
            "address_line_1": "1 High Street", "address_line_2": "Flat 2", "city": "Leeds",
            "postcode": "LS1 4AP", "nation": "ENGLAND", "has_gas_supply": true, "is_hmo": false,
            "has_communal_areas": false, "tenancy_start_date": "2025-06-01"
        }]
    })
}

/// The fields the parser names in its errors for `body`.
fn refused_fields(body: &Value) -> BTreeSet<String> {
    parse_intake(body)
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

/// A value for `field` that is `len` characters long and otherwise valid.
fn of_length(field: &str, len: usize) -> String {
    match field {
        // Labels of at most 63 characters; the last one at least two.
        "email" => {
            let mut email = String::from("a@");
            while email.len() < len {
                if !email.ends_with('@') {
                    email.push('.');
                }
                let take = (len - email.len()).min(63);
                email.push_str(&"b".repeat(take));
            }
            email
        }
        // Fifteen digits, the rest separators.
        "phone" => format!("{}{}", "-".repeat(len - 15), "1".repeat(15)),
        _ => "a".repeat(len),
    }
}

/// Every string field with a `maxLength` accepts a value at it and refuses one past it, under
/// its own name, at `path` in the body.
fn check_lengths(schema: &Value, body: &Value, at: impl Fn(&mut Value) -> &mut Value, prefix: &str) {
    let mut checked = 0;
    for (field, property) in schema["properties"].as_object().unwrap() {
        let Some(max) = property["maxLength"].as_u64() else {
            continue;
        };
        let max = usize::try_from(max).unwrap();
        let path = format!("{prefix}{field}");
        for (len, refused) in [(max, false), (max + 1, true)] {
            let mut long = body.clone();
            at(&mut long)[field] = Value::String(of_length(field, len));
            assert_eq!(
                refused_fields(&long).contains(&path),
                refused,
                "{path} at {len} characters (the schema says at most {max})"
            );
        }
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} limits found in the schema");
}

#[test]
fn the_schema_names_the_fields_the_parser_reads() {
    let known = |fields: &[&str]| fields.iter().map(|f| (*f).to_owned()).collect::<BTreeSet<_>>();
    assert_eq!(names(&schema("IntakeRequest"), "properties"), known(CLIENT_FIELDS));
    assert_eq!(names(&schema("PropertyRequest"), "properties"), known(PROPERTY_FIELDS));
    assert!(
        refused_fields(&valid()).is_empty(),
        "{:?}",
        parse_intake(&valid()).err()
    );
}

#[test]
fn the_schema_requires_what_the_parser_requires() {
    let client = schema("IntakeRequest");
    let required = names(&client, "required");
    for field in CLIENT_FIELDS {
        let mut body = valid();
        body.as_object_mut().unwrap().remove(*field);
        let refused = refused_fields(&body).contains(*field);
        assert_eq!(refused, required.contains(*field), "{field}");
    }
    let required = names(&schema("PropertyRequest"), "required");
    for field in PROPERTY_FIELDS {
        let mut body = valid();
        body["properties"][0].as_object_mut().unwrap().remove(*field);
        let refused = refused_fields(&body).contains(&format!("properties[0].{field}"));
        assert_eq!(refused, required.contains(*field), "properties[0].{field}");
    }
}

#[test]
fn the_schema_limits_are_the_parser_limits() {
    check_lengths(&schema("IntakeRequest"), &valid(), |body| body, "");
    check_lengths(
        &schema("PropertyRequest"),
        &valid(),
        |body| &mut body["properties"][0],
        "properties[0].",
    );
}

#[test]
fn the_schema_bounds_the_properties_as_the_largest_plan_does() {
    let bounds = &schema("IntakeRequest")["properties"]["properties"];
    let (min, max) = (
        bounds["minItems"].as_u64().unwrap(),
        bounds["maxItems"].as_u64().unwrap(),
    );
    let with = |count: u64| {
        let mut body = valid();
        body["billing_plan"] = json!("PLAN_6_15");
        let property = body["properties"][0].clone();
        body["properties"] = Value::Array((0..count).map(|_| property.clone()).collect());
        refused_fields(&body).contains("properties")
    };
    assert!(with(min - 1), "fewer than {min}");
    assert!(!with(max), "{max}");
    assert!(with(max + 1), "more than {max}");
}
