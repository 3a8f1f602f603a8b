//! Provisioning a paid client: its requirements (one per property and applicable type, as the
//! compliance engine decides), its portal user and the setup link, in one transaction; or, on
//! failure, nothing but FAILED with the reason.

use chrono::{DateTime, Utc};
use compliance::{PropertyFacts, RequirementType, rule_for};
use domain::{
    AuditAction, Client, ClientId, EmailContent, MessageId, NewAuditEntry, OutgoingEmail, PasswordStatus, PortalUser,
    Property, Requirement, RequirementId, Role, UserId, UserStatus,
};
use identity::TOKEN_TTL;
use ports::{NewPortalAccount, ProvisionOutcome, ProvisioningWrite, StoreError};
use provisioning::{PlanError, PropertyNeeds};
use serde_json::json;
use uuid::Uuid;

use super::OnboardingServices;
use crate::RequestContext;

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("no such client")]
    UnknownClient,
    #[error("{0}")]
    Refused(PlanError),
    /// The run failed and was rolled back; the client is FAILED with this reason.
    #[error("provisioning failed: {0}")]
    Failed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Makes the client's account whole: idempotent (a second run creates nothing and writes
/// nothing), atomic, audited as PROVISIONING_STARTED and PROVISIONING_COMPLETE (or FAILED).
///
/// # Errors
/// [`ProvisionError`] saying why the client is not provisioned.
#[tracing::instrument(skip_all, fields(client_id = %client_id))]
pub async fn provision_client(
    s: OnboardingServices<'_>,
    client_id: ClientId,
    ctx: &RequestContext,
) -> Result<ProvisionOutcome, ProvisionError> {
    let client = s
        .store
        .get_client(client_id)
        .await?
        .ok_or(ProvisionError::UnknownClient)?;
    let properties = s.store.list_properties(client_id).await?;
    let existing = s.store.list_requirements(client_id).await?;
    let user = s.store.find_user_by_email(&client.details.email).await?;
    let needs: Vec<PropertyNeeds> = properties.iter().map(needs_of).collect();
    let plan = match provisioning::plan(&client, &needs, &existing, user.as_ref()) {
        Ok(plan) => plan,
        // Not paid: nothing to fail; the client simply is not due an account yet.
        Err(refusal @ PlanError::NotPaid) => return Err(ProvisionError::Refused(refusal)),
        Err(refusal) => {
            record_failure(s, &client, &refusal.to_string(), ctx).await?;
            return Err(ProvisionError::Refused(refusal));
        }
    };

    let now = s.clock.now();
    let requirements = plan
        .requirements
        .iter()
        .map(|&(property_id, requirement)| Requirement {
            id: RequirementId::from_uuid(Uuid::now_v7()),
            client_id,
            property_id,
            requirement,
            created_at: now,
        })
        .collect();
    let write = ProvisioningWrite {
        client_id,
        requirements,
        user: plan.create_user.then(|| new_account(s, &client, now)),
        started: entry(AuditAction::ProvisioningStarted, &client, now, ctx, json!({})),
        completed: entry(
            AuditAction::ProvisioningComplete,
            &client,
            now,
            ctx,
            json!({ "requirements": plan.requirements.len(), "user_created": plan.create_user }),
        ),
        now,
    };
    match s.store.provision(&write).await {
        Ok(outcome) => Ok(outcome),
        // The database is away: nothing was written and the client stays PROVISIONING, so the
        // payment's redelivery (answered 5xx meanwhile) resumes it. FAILED is for runs that
        // a retry would not mend.
        Err(error @ StoreError::Unavailable { .. }) => {
            tracing::warn!(client_id = %client_id, error = ?error, "provisioning waits for the database");
            Err(ProvisionError::Store(error))
        }
        Err(error) => {
            let reason = with_causes(&error);
            tracing::error!(client_id = %client_id, error = ?error, "provisioning failed");
            record_failure(s, &client, &reason, ctx).await?;
            Err(ProvisionError::Failed(reason))
        }
    }
}

/// FAILED with the reason, audited as a run that started and failed.
async fn record_failure(
    s: OnboardingServices<'_>,
    client: &Client,
    reason: &str,
    ctx: &RequestContext,
) -> Result<(), StoreError> {
    let now = s.clock.now();
    let started = entry(AuditAction::ProvisioningStarted, client, now, ctx, json!({}));
    let failed = entry(
        AuditAction::ProvisioningFailed,
        client,
        now,
        ctx,
        json!({ "reason": reason }),
    );
    s.store
        .record_provisioning_failure(client.id, reason, now, &started, &failed)
        .await
}

/// The error and its causes on one line: the reason an operator reads on the FAILED client.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut reason = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        reason.push_str(": ");
        reason.push_str(&next.to_string());
        cause = next.source();
    }
    reason.chars().take(1000).collect()
}

/// The requirement types that apply to a property, as the compliance engine's rules say.
fn needs_of(property: &Property) -> PropertyNeeds {
    let facts = PropertyFacts::from(property);
    PropertyNeeds {
        property_id: property.id,
        applicable: RequirementType::ALL
            .into_iter()
            .filter(|&kind| rule_for(kind, facts.nation).applies.excludes(&facts).is_none())
            .collect(),
    }
}

/// The client's portal user, invited, and the email that will carry its setup link.
fn new_account(s: OnboardingServices<'_>, client: &Client, now: DateTime<Utc>) -> NewPortalAccount {
    let user = PortalUser {
        id: UserId::from_uuid(Uuid::now_v7()),
        email: client.details.email.clone(),
        role: Role::Client,
        client_id: Some(client.id),
        status: UserStatus::Invited,
        password_status: PasswordStatus::NotSet,
        password_hash: None,
        sessions_valid_after: now,
        created_at: now,
        updated_at: now,
    };
    let setup_email = OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: Some(client.id),
        to: client.details.email.clone(),
        content: EmailContent::PasswordSetup {
            recipient_name: client.details.full_name.as_str().to_owned(),
            // The token is made as the email is sent.
            setup_url: s.links.set_password(""),
            expires_in_minutes: u32::try_from(TOKEN_TTL.num_minutes()).unwrap_or(60),
        },
        created_at: now,
    };
    NewPortalAccount { user, setup_email }
}

fn entry(
    action: AuditAction,
    client: &Client,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    metadata: serde_json::Value,
) -> NewAuditEntry {
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, action, ctx.actor.clone());
    entry.client_id = Some(client.id);
    entry.resource_type = Some("client".into());
    entry.resource_id = Some(client.id.to_string());
    entry.request_id = ctx.request_id.clone();
    entry.metadata = Some(metadata);
    entry
}
