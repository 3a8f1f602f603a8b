//! Where an intake stands and what the client should do next.

use domain::{ClientId, OnboardingStatus, SubscriptionStatus};
use ports::StoreError;

use super::OnboardingServices;

/// The next step a client should take, as a stable code and a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    CompletePayment,
    AwaitProvisioning,
    SetPassword,
    ContactSupport,
}

impl NextStep {
    pub const fn code(self) -> &'static str {
        match self {
            Self::CompletePayment => "COMPLETE_PAYMENT",
            Self::AwaitProvisioning => "AWAIT_PROVISIONING",
            Self::SetPassword => "SET_PASSWORD",
            Self::ContactSupport => "CONTACT_SUPPORT",
        }
    }

    pub const fn message(self) -> &'static str {
        match self {
            Self::CompletePayment => "Complete payment to start setting up your portal.",
            Self::AwaitProvisioning => "Payment received: your portal is being set up.",
            Self::SetPassword => "Your portal is ready: follow the link in your email to set a password.",
            Self::ContactSupport => "Setting up your portal failed; our team has been told and will contact you.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeStatus {
    pub client_id: ClientId,
    pub onboarding_status: OnboardingStatus,
    pub subscription_status: SubscriptionStatus,
    pub next_step: NextStep,
}

/// # Errors
/// [`StoreError`] when the store fails; an unknown client is `Ok(None)`.
#[tracing::instrument(skip_all, fields(client_id = %id))]
pub async fn intake_status(s: OnboardingServices<'_>, id: ClientId) -> Result<Option<IntakeStatus>, StoreError> {
    let Some(client) = s.store.get_client(id).await? else {
        return Ok(None);
    };
    let next_step = match client.onboarding_status {
        OnboardingStatus::IntakePending => NextStep::CompletePayment,
        OnboardingStatus::Provisioning => NextStep::AwaitProvisioning,
        OnboardingStatus::Provisioned => NextStep::SetPassword,
        OnboardingStatus::Failed => NextStep::ContactSupport,
    };
    Ok(Some(IntakeStatus {
        client_id: client.id,
        onboarding_status: client.onboarding_status,
        subscription_status: client.subscription_status,
        next_step,
    }))
}
