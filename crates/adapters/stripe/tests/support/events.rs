//! The event tests' fixtures: Stripe's event envelope and trimmed checkout and subscription
//! objects, as Stripe's API reference shows them.

use adapter_stripe::parse_event;
use domain::{ClientId, SubscriptionStatus};
use ports::BillingChange;
use serde_json::{Value, json};

pub const CLIENT: &str = "0189f5e2-0000-7000-8000-00000000c11e";
pub const CREATED: i64 = 1_740_819_600;

pub fn client() -> ClientId {
    CLIENT.parse().unwrap()
}

pub fn event(kind: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "evt_1QxYzAbCdEfGhIjK",
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": CREATED,
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind
    }))
    .unwrap()
}

pub fn change_of(kind: &str, object: Value) -> BillingChange {
    parse_event(&event(kind, object)).unwrap().change
}

pub fn checkout(client_reference_id: Value, payment_status: &str) -> Value {
    json!({
        "id": "cs_test_a1B2c3D4",
        "object": "checkout.session",
        "client_reference_id": client_reference_id,
        "customer": "cus_RkT4nA9xYz",
        "customer_email": "ada@landlord.example",
        "metadata": { "client_id": CLIENT },
        "mode": "subscription",
        "payment_status": payment_status,
        "status": "complete",
        "subscription": "sub_1QxYzSubscr"
    })
}

pub fn subscription(status: &str, metadata: Value) -> Value {
    json!({
        "id": "sub_1QxYzSubscr",
        "object": "subscription",
        "customer": "cus_RkT4nA9xYz",
        "status": status,
        "metadata": metadata,
        "items": { "object": "list", "data": [{ "price": { "id": "price_plan_1" }, "quantity": 1 }] },
        "cancel_at_period_end": false
    })
}

pub fn subscription_change(status: SubscriptionStatus, client_id: Option<ClientId>) -> BillingChange {
    BillingChange::Subscription {
        client_id,
        subscription_id: "sub_1QxYzSubscr".into(),
        customer_id: Some("cus_RkT4nA9xYz".into()),
        status,
    }
}
