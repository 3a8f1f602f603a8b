//! Onboarding: intake, its status, the checkout, payment events and provisioning.

mod checkout;
mod intake;
mod payments;
mod provision;
mod status;

pub use checkout::{CheckoutError, checkout_for, offer_checkout};
pub use intake::{IntakeLimits, IntakeReceipt, SubmitIntakeError, submit_intake};
pub use payments::{
    PaymentEventReport, WebhookReceiveError, complete_test_checkout, handle_payment_event, receive_payment_webhook,
};
pub use provision::{ProvisionError, provision_client};
pub use provisioning::PlanError;
pub use status::{IntakeStatus, NextStep, intake_status};

use ports::{Clock, PaymentGateway, PaymentWebhook, RateLimiter, Store};

use crate::mail::Links;

/// The ports the onboarding use cases take.
#[derive(Debug, Clone, Copy)]
pub struct OnboardingServices<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub limiter: &'a dyn RateLimiter,
    /// Builds the links emails and checkouts carry.
    pub links: &'a Links,
    /// Opens checkouts; `None` when payments are not configured.
    pub payments: Option<&'a dyn PaymentGateway>,
    /// Checks the payment provider's webhook; `None` when it is not configured.
    pub webhook: Option<&'a dyn PaymentWebhook>,
    pub intake_limits: IntakeLimits,
}
