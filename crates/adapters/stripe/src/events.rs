//! Stripe's webhook events, read into the [`PaymentEvent`] the application applies. Call
//! [`parse_event`] only on a payload whose signature [`verify`](crate::signature::verify) accepted.
//!
//! Only the fields we act on are read; any event we do not act on, or one that does not name
//! what we need (a checkout we did not open, a subscription status we do not know), becomes
//! [`BillingChange::Ignored`]: recorded and acknowledged, so Stripe stops sending it.

use std::fmt;

use chrono::{TimeZone, Utc};
use domain::{ClientId, SubscriptionStatus};
use ports::{BillingChange, PaymentEvent};
use serde_json::Value;

/// Why a payload is not a Stripe event. Carries no part of the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventError {
    /// The payload is not a JSON object (position of the first error, when it is not JSON at all).
    MalformedJson { line: usize, column: usize },
    /// A field every event has (`id`, `type`, `created`) is missing, empty or of the wrong type.
    MissingField(&'static str),
    /// `created` is not a representable time.
    InvalidCreated,
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MalformedJson { line, column } => {
                write!(
                    f,
                    "the Stripe event is not a JSON object (line {line}, column {column})"
                )
            }
            Self::MissingField(field) => write!(f, "the Stripe event has no valid `{field}`"),
            Self::InvalidCreated => f.write_str("the Stripe event's `created` is not a valid time"),
        }
    }
}

impl std::error::Error for EventError {}

/// Reads a Stripe event: `{"id", "type", "created", "data": {"object": {…}}}`.
///
/// - `checkout.session.completed` → [`BillingChange::CheckoutCompleted`] for the client named
///   by `client_reference_id` (`paid` when `payment_status` is `paid`); without a valid one the
///   checkout is not ours and the event is ignored.
/// - `customer.subscription.created` / `.updated` → [`BillingChange::Subscription`] with the
///   mapped `status`; `.deleted` → the same, always `CANCELLED`.
/// - `invoice.payment_failed` → [`BillingChange::Subscription`] `PAST_DUE` for its subscription.
/// - anything else → [`BillingChange::Ignored`].
///
/// # Errors
/// [`EventError`] when the payload is not JSON or lacks `id`, `type` or `created`.
pub fn parse_event(payload: &[u8]) -> Result<PaymentEvent, EventError> {
    let event: Value = serde_json::from_slice(payload).map_err(|error| EventError::MalformedJson {
        line: error.line(),
        column: error.column(),
    })?;
    if !event.is_object() {
        return Err(EventError::MalformedJson { line: 1, column: 1 });
    }
    let id = non_empty(&event["id"]).ok_or(EventError::MissingField("id"))?;
    let kind = non_empty(&event["type"]).ok_or(EventError::MissingField("type"))?;
    let created = event["created"].as_i64().ok_or(EventError::MissingField("created"))?;
    let created_at = Utc
        .timestamp_opt(created, 0)
        .single()
        .ok_or(EventError::InvalidCreated)?;
    let change = change(kind, &event["data"]["object"]);
    Ok(PaymentEvent {
        id: id.to_owned(),
        kind: kind.to_owned(),
        created_at,
        change,
    })
}

fn change(kind: &str, object: &Value) -> BillingChange {
    let change = match kind {
        // A delayed payment method (Bacs, SEPA) completes the checkout unpaid, then reports here.
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => checkout_completed(object),
        "customer.subscription.created" | "customer.subscription.updated" => {
            subscription_status(object["status"].as_str().unwrap_or_default())
                .and_then(|status| subscription(object, status))
        }
        "customer.subscription.deleted" => subscription(object, SubscriptionStatus::Cancelled),
        "invoice.payment_failed" => invoice_payment_failed(object),
        _ => None,
    };
    change.unwrap_or(BillingChange::Ignored)
}

fn checkout_completed(session: &Value) -> Option<BillingChange> {
    Some(BillingChange::CheckoutCompleted {
        client_id: client_id(&session["client_reference_id"])?,
        customer_id: id_of(&session["customer"]),
        subscription_id: id_of(&session["subscription"]),
        // `no_payment_required`: a free trial or a full discount; the subscription is live all the same.
        paid: matches!(session["payment_status"].as_str(), Some("paid" | "no_payment_required")),
    })
}

fn subscription(subscription: &Value, status: SubscriptionStatus) -> Option<BillingChange> {
    Some(BillingChange::Subscription {
        client_id: client_id(&subscription["metadata"]["client_id"]),
        subscription_id: non_empty(&subscription["id"])?.to_owned(),
        customer_id: id_of(&subscription["customer"]),
        status,
    })
}

/// An invoice names its subscription at the top (API versions before 2025-03-31) or under
/// `parent.subscription_details` (newer ones); the subscription's metadata likewise.
fn invoice_payment_failed(invoice: &Value) -> Option<BillingChange> {
    let details = &invoice["parent"]["subscription_details"];
    let subscription_id = id_of(&invoice["subscription"]).or_else(|| id_of(&details["subscription"]))?;
    let client_id = client_id(&invoice["subscription_details"]["metadata"]["client_id"])
        .or_else(|| client_id(&details["metadata"]["client_id"]));
    Some(BillingChange::Subscription {
        client_id,
        subscription_id,
        customer_id: id_of(&invoice["customer"]),
        status: SubscriptionStatus::PastDue,
    })
}

/// Stripe's subscription status in our terms; `None` for one we do not know.
fn subscription_status(status: &str) -> Option<SubscriptionStatus> {
    match status {
        "active" | "trialing" => Some(SubscriptionStatus::Active),
        "past_due" | "unpaid" | "paused" => Some(SubscriptionStatus::PastDue),
        "canceled" | "incomplete_expired" => Some(SubscriptionStatus::Cancelled),
        "incomplete" => Some(SubscriptionStatus::Pending),
        _ => None,
    }
}

/// Our client id, when the value is a string holding one.
fn client_id(value: &Value) -> Option<ClientId> {
    value.as_str()?.trim().parse().ok()
}

/// The id of a related object: a string id, or the `id` of the object when it was expanded.
fn id_of(value: &Value) -> Option<String> {
    non_empty(value).or_else(|| non_empty(&value["id"])).map(str::to_owned)
}

fn non_empty(value: &Value) -> Option<&str> {
    value.as_str().filter(|text| !text.trim().is_empty())
}
