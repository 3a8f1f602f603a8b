//! Reading Stripe's events (trimmed from Stripe's examples) into the billing change they carry.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support::events::{CLIENT, CREATED, change_of, checkout, client, event, subscription, subscription_change};
use adapter_stripe::{EventError, parse_event};
use chrono::{TimeZone, Utc};
use domain::SubscriptionStatus;
use ports::BillingChange;
use serde_json::{Value, json};

mod support {
    pub mod events;
}

#[test]
fn the_envelope_gives_id_kind_and_time() {
    let event = parse_event(&event("checkout.session.completed", checkout(json!(CLIENT), "paid"))).unwrap();
    assert_eq!(event.id, "evt_1QxYzAbCdEfGhIjK");
    assert_eq!(event.kind, "checkout.session.completed");
    assert_eq!(event.created_at, Utc.timestamp_opt(CREATED, 0).unwrap());
}

#[test]
fn a_paid_checkout_completes_for_our_client() {
    assert_eq!(
        change_of("checkout.session.completed", checkout(json!(CLIENT), "paid")),
        BillingChange::CheckoutCompleted {
            client_id: client(),
            customer_id: Some("cus_RkT4nA9xYz".into()),
            subscription_id: Some("sub_1QxYzSubscr".into()),
            paid: true,
        }
    );
}

#[test]
fn an_unpaid_checkout_completes_unpaid_and_null_ids_are_none() {
    let mut session = checkout(json!(CLIENT), "unpaid");
    session["customer"] = Value::Null;
    session["subscription"] = Value::Null;
    assert_eq!(
        change_of("checkout.session.completed", session),
        BillingChange::CheckoutCompleted {
            client_id: client(),
            customer_id: None,
            subscription_id: None,
            paid: false,
        }
    );
    let free = change_of(
        "checkout.session.completed",
        checkout(json!(CLIENT), "no_payment_required"),
    );
    assert!(
        matches!(free, BillingChange::CheckoutCompleted { paid: true, .. }),
        "a trial or a full discount is paid for our purposes"
    );
}

#[test]
fn expanded_customer_and_subscription_objects_give_their_ids() {
    let mut session = checkout(json!(CLIENT), "paid");
    session["customer"] = json!({ "id": "cus_RkT4nA9xYz", "object": "customer" });
    session["subscription"] = json!({ "id": "sub_1QxYzSubscr", "object": "subscription" });
    assert_eq!(
        change_of("checkout.session.completed", session),
        BillingChange::CheckoutCompleted {
            client_id: client(),
            customer_id: Some("cus_RkT4nA9xYz".into()),
            subscription_id: Some("sub_1QxYzSubscr".into()),
            paid: true,
        }
    );
}

#[test]
fn a_checkout_we_did_not_open_is_ignored() {
    for reference in [Value::Null, json!("order-42"), json!(""), json!(17)] {
        assert_eq!(
            change_of("checkout.session.completed", checkout(reference.clone(), "paid")),
            BillingChange::Ignored,
            "client_reference_id {reference}"
        );
    }
    let mut session = checkout(json!(CLIENT), "paid");
    session.as_object_mut().unwrap().remove("client_reference_id");
    assert_eq!(change_of("checkout.session.completed", session), BillingChange::Ignored);
}

#[test]
fn subscription_statuses_map_to_ours() {
    for (stripe, ours) in [
        ("active", SubscriptionStatus::Active),
        ("trialing", SubscriptionStatus::Active),
        ("past_due", SubscriptionStatus::PastDue),
        ("unpaid", SubscriptionStatus::PastDue),
        ("paused", SubscriptionStatus::PastDue),
        ("canceled", SubscriptionStatus::Cancelled),
        ("incomplete_expired", SubscriptionStatus::Cancelled),
        ("incomplete", SubscriptionStatus::Pending),
    ] {
        for kind in ["customer.subscription.created", "customer.subscription.updated"] {
            assert_eq!(
                change_of(kind, subscription(stripe, json!({ "client_id": CLIENT }))),
                subscription_change(ours, Some(client())),
                "{kind} with status {stripe}"
            );
        }
    }
}

#[test]
fn an_unknown_subscription_status_is_ignored() {
    let change = change_of(
        "customer.subscription.updated",
        subscription("on_vacation", json!({ "client_id": CLIENT })),
    );
    assert_eq!(change, BillingChange::Ignored);
}

#[test]
fn a_subscription_without_our_metadata_names_no_client() {
    for metadata in [json!({}), json!({ "client_id": "not-a-uuid" }), Value::Null] {
        assert_eq!(
            change_of("customer.subscription.updated", subscription("active", metadata)),
            subscription_change(SubscriptionStatus::Active, None)
        );
    }
}

#[test]
fn a_deleted_subscription_is_cancelled_whatever_its_status_says() {
    for status in ["canceled", "active", "whatever"] {
        assert_eq!(
            change_of(
                "customer.subscription.deleted",
                subscription(status, json!({ "client_id": CLIENT }))
            ),
            subscription_change(SubscriptionStatus::Cancelled, Some(client()))
        );
    }
}

#[test]
fn a_failed_invoice_makes_the_subscription_past_due() {
    let invoice = json!({
        "id": "in_1QxYzInvoice",
        "object": "invoice",
        "customer": "cus_RkT4nA9xYz",
        "subscription": "sub_1QxYzSubscr",
        "subscription_details": { "metadata": { "client_id": CLIENT } },
        "billing_reason": "subscription_cycle",
        "status": "open",
        "attempt_count": 1
    });
    assert_eq!(
        change_of("invoice.payment_failed", invoice),
        subscription_change(SubscriptionStatus::PastDue, Some(client()))
    );
}

#[test]
fn a_failed_invoice_in_the_newer_api_shape_names_its_subscription_under_parent() {
    let invoice = json!({
        "id": "in_1QxYzInvoice",
        "object": "invoice",
        "customer": "cus_RkT4nA9xYz",
        "parent": {
            "type": "subscription_details",
            "quote_details": null,
            "subscription_details": {
                "metadata": { "client_id": CLIENT },
                "subscription": "sub_1QxYzSubscr"
            }
        },
        "status": "open"
    });
    assert_eq!(
        change_of("invoice.payment_failed", invoice),
        subscription_change(SubscriptionStatus::PastDue, Some(client()))
    );
}

#[test]
fn a_failed_invoice_without_a_subscription_is_ignored() {
    let invoice = json!({
        "id": "in_1QxYzOneOff",
        "object": "invoice",
        "customer": "cus_RkT4nA9xYz",
        "subscription": null,
        "parent": null
    });
    assert_eq!(change_of("invoice.payment_failed", invoice), BillingChange::Ignored);
}

#[test]
fn other_event_types_are_ignored() {
    let event = parse_event(&event("invoice.paid", json!({ "id": "in_1", "subscription": "sub_1" }))).unwrap();
    assert_eq!(event.kind, "invoice.paid");
    assert_eq!(event.change, BillingChange::Ignored);
}

#[test]
fn malformed_json_is_an_error() {
    assert!(matches!(
        parse_event(b"{\"id\": \"evt_1\", "),
        Err(EventError::MalformedJson { .. })
    ));
    assert!(matches!(parse_event(b"[1, 2]"), Err(EventError::MalformedJson { .. })));
    assert!(matches!(parse_event(b""), Err(EventError::MalformedJson { .. })));
}

#[test]
fn an_event_without_id_type_or_created_is_an_error() {
    for (field, error) in [
        ("id", EventError::MissingField("id")),
        ("type", EventError::MissingField("type")),
        ("created", EventError::MissingField("created")),
    ] {
        let mut event: Value = serde_json::from_slice(&event("invoice.paid", json!({}))).unwrap();
        event.as_object_mut().unwrap().remove(field);
        assert_eq!(parse_event(&serde_json::to_vec(&event).unwrap()), Err(error));
    }
    let mut event: Value = serde_json::from_slice(&event("invoice.paid", json!({}))).unwrap();
    event["created"] = json!("yesterday");
    assert_eq!(
        parse_event(&serde_json::to_vec(&event).unwrap()),
        Err(EventError::MissingField("created"))
    );
}

#[test]
fn errors_quote_nothing_from_the_payload() {
    let error = parse_event(b"{\"id\": \"evt_secretish\", \"type\": ").unwrap_err();
    assert!(!error.to_string().contains("evt_secretish"));
}
