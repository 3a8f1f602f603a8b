//! Opening the checkout where a new client pays for its plan.

use domain::{BillingPlan, ClientId, Email, SubscriptionStatus};
use ports::{CheckoutRequest, CheckoutSession, PaymentError, StoreError};

use super::OnboardingServices;

#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error("no such intake")]
    UnknownClient,
    #[error("this intake has been paid for")]
    AlreadyPaid,
    #[error("payments are not configured")]
    NotConfigured,
    #[error(transparent)]
    Payment(#[from] PaymentError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A checkout for an intake not yet paid for. The idempotency key is the client's id and plan,
/// so asking again (a retried request) gives back the same checkout instead of a second one.
///
/// # Errors
/// [`CheckoutError`] saying why there is none.
#[tracing::instrument(skip_all, fields(client_id = %client_id))]
pub async fn checkout_for(s: OnboardingServices<'_>, client_id: ClientId) -> Result<CheckoutSession, CheckoutError> {
    if s.payments.is_none() {
        return Err(CheckoutError::NotConfigured);
    }
    let client = s
        .store
        .get_client(client_id)
        .await?
        .ok_or(CheckoutError::UnknownClient)?;
    if client.subscription_status != SubscriptionStatus::Pending {
        return Err(CheckoutError::AlreadyPaid);
    }
    open(s, client_id, &client.details.email, client.details.billing_plan).await
}

/// The checkout to offer with a fresh intake: `None` when payments are not configured or the
/// provider failed (logged; the intake stands, and [`checkout_for`] offers payment again).
pub async fn offer_checkout(
    s: OnboardingServices<'_>,
    client_id: ClientId,
    email: &Email,
    plan: BillingPlan,
) -> Option<CheckoutSession> {
    s.payments?;
    match open(s, client_id, email, plan).await {
        Ok(session) => Some(session),
        Err(error) => {
            tracing::error!(client_id = %client_id, error = %error, "opening the checkout failed");
            None
        }
    }
}

async fn open(
    s: OnboardingServices<'_>,
    client_id: ClientId,
    email: &Email,
    plan: BillingPlan,
) -> Result<CheckoutSession, CheckoutError> {
    let gateway = s.payments.ok_or(CheckoutError::NotConfigured)?;
    let id = client_id.to_string();
    let request = CheckoutRequest {
        client_id,
        email: email.clone(),
        plan,
        success_url: s.links.checkout_return(&id, "success"),
        cancel_url: s.links.checkout_return(&id, "cancelled"),
        idempotency_key: format!("checkout-{id}-{plan}"),
    };
    Ok(gateway.create_checkout_session(&request).await?)
}
