//! Opening the checkout where a new client pays for its plan.

use domain::{BillingPlan, ClientId, Email};
use ports::{CheckoutRequest, CheckoutSession, PaymentError, PaymentGateway};

use crate::mail::Links;

/// Opens a subscription checkout for the client's plan. The idempotency key is the client's id and
/// plan, so asking again (a retried request) gives back the same checkout instead of a second one.
///
/// # Errors
/// [`PaymentError`] from the gateway.
pub async fn open_checkout(
    gateway: &dyn PaymentGateway,
    links: &Links,
    client_id: ClientId,
    email: &Email,
    plan: BillingPlan,
) -> Result<CheckoutSession, PaymentError> {
    let id = client_id.to_string();
    let request = CheckoutRequest {
        client_id,
        email: email.clone(),
        plan,
        success_url: links.checkout_return(&id, "success"),
        cancel_url: links.checkout_return(&id, "cancelled"),
        idempotency_key: format!("checkout-{id}-{plan}"),
    };
    gateway.create_checkout_session(&request).await
}
