//! Submitting an intake: one client, its properties and the INTAKE_SUBMITTED entry, stored in
//! one transaction. Never leaves a client without its properties or its audit entry.

use std::time::Duration;

use domain::{
    AuditAction, Client, ClientId, Intake, NewAuditEntry, OnboardingStatus, Property, PropertyId, SubscriptionStatus,
};
use ports::{CreateClientError, StoreError};
use serde_json::json;
use uuid::Uuid;

use super::OnboardingServices;
use crate::RequestContext;
use crate::limits::{Limit, WhenFull};

/// How many intakes one address may submit in a window.
#[derive(Debug, Clone, Copy)]
pub struct IntakeLimits {
    pub per_address: u32,
    pub window: Duration,
}

impl Default for IntakeLimits {
    fn default() -> Self {
        Self {
            per_address: 10,
            window: Duration::from_secs(60),
        }
    }
}

/// What the caller learns about an accepted intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeReceipt {
    pub client_id: ClientId,
    pub onboarding_status: OnboardingStatus,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitIntakeError {
    #[error("a client with this email is already registered")]
    DuplicateEmail,
    #[error("too many intakes from this address; retry in {} s", retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Accepts a valid intake.
///
/// # Errors
/// [`SubmitIntakeError::RateLimited`] when the source address is over its limit,
/// [`SubmitIntakeError::DuplicateEmail`] when the email is taken (nothing is written), and
/// [`SubmitIntakeError::Store`] when the store fails.
#[tracing::instrument(skip_all)]
pub async fn submit_intake(
    s: OnboardingServices<'_>,
    intake: Intake,
    ctx: &RequestContext,
) -> Result<IntakeReceipt, SubmitIntakeError> {
    let (store, clock, limiter, limits) = (s.store, s.clock, s.limiter, s.intake_limits);
    if let Some(address) = ctx.address_bucket() {
        // A broken or full limiter must not stop sign-ups: the store's unique email still holds.
        let limit = Limit {
            name: "intake per address",
            attempts: limits.per_address,
            window: limits.window,
            when_full: WhenFull::Allow,
        };
        crate::limits::count(limiter, &format!("intake:{address}"), limit)
            .await
            .map_err(|retry_after| SubmitIntakeError::RateLimited { retry_after })?;
    }

    let now = clock.now();
    let client = Client {
        id: ClientId::from_uuid(Uuid::now_v7()),
        details: intake.client,
        onboarding_status: OnboardingStatus::IntakePending,
        subscription_status: SubscriptionStatus::Pending,
        created_at: now,
        updated_at: now,
    };
    let properties: Vec<Property> = intake
        .properties
        .into_iter()
        .map(|details| Property {
            id: PropertyId::from_uuid(Uuid::now_v7()),
            client_id: client.id,
            details,
            created_at: now,
        })
        .collect();

    let mut audit = NewAuditEntry::new(Uuid::now_v7(), now, AuditAction::IntakeSubmitted, ctx.actor.clone());
    audit.client_id = Some(client.id);
    audit.resource_type = Some("client".into());
    audit.resource_id = Some(client.id.to_string());
    audit.request_id = ctx.request_id.clone();
    audit.after = Some(json!({
        "onboarding_status": client.onboarding_status,
        "subscription_status": client.subscription_status,
        "billing_plan": client.details.billing_plan,
        "client_type": client.details.client_type,
        "property_ids": properties.iter().map(|p| p.id).collect::<Vec<_>>(),
    }));

    match store.create_client(&client, &properties, &audit).await {
        Ok(()) => Ok(IntakeReceipt {
            client_id: client.id,
            onboarding_status: client.onboarding_status,
        }),
        Err(CreateClientError::DuplicateEmail) => Err(SubmitIntakeError::DuplicateEmail),
        Err(CreateClientError::Store(error)) => Err(SubmitIntakeError::Store(error)),
    }
}
