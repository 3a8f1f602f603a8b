//! Provisioning, decided purely: given a client, the requirement types that apply to each of its
//! properties (the compliance engine's call, made by the caller), and the requirements and user
//! that exist, what a correct account still lacks. Running the plan twice creates nothing the
//! second time: an empty plan for a provisioned client means there is nothing to do.

use std::collections::HashSet;

use domain::{Client, PortalUser, PropertyId, Requirement, RequirementType, Role, SubscriptionStatus};

/// The requirement types that apply to one property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyNeeds {
    pub property_id: PropertyId,
    pub applicable: Vec<RequirementType>,
}

/// What a run must create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Missing requirements, in property order then the engine's requirement order.
    pub requirements: Vec<(PropertyId, RequirementType)>,
    /// Whether the client's portal user must be created (and sent its setup link).
    pub create_user: bool,
}

impl Plan {
    /// Nothing to create.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty() && !self.create_user
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Provisioning follows payment: a client that never paid gets no account.
    #[error("the client has not paid: its subscription is PENDING")]
    NotPaid,
    /// The client's email already belongs to another account (an admin, or another client's user).
    #[error("the client's email already belongs to another account")]
    EmailTaken,
}

/// What `client` still lacks, given its properties' needs, its existing requirements, and the
/// portal user that has its email, if any.
///
/// # Errors
/// [`PlanError`] when the client may not be provisioned.
pub fn plan(
    client: &Client,
    needs: &[PropertyNeeds],
    existing: &[Requirement],
    user_with_email: Option<&PortalUser>,
) -> Result<Plan, PlanError> {
    if client.subscription_status == SubscriptionStatus::Pending {
        return Err(PlanError::NotPaid);
    }
    let create_user = match user_with_email {
        None => true,
        Some(user) if user.role == Role::Client && user.client_id == Some(client.id) => false,
        Some(_) => return Err(PlanError::EmailTaken),
    };
    let have: HashSet<(PropertyId, RequirementType)> = existing
        .iter()
        .filter(|r| r.client_id == client.id)
        .map(|r| (r.property_id, r.requirement))
        .collect();
    let mut requirements = Vec::new();
    for property in needs {
        let mut applicable = property.applicable.clone();
        applicable.sort();
        applicable.dedup();
        requirements.extend(
            applicable
                .into_iter()
                .map(|kind| (property.property_id, kind))
                .filter(|key| !have.contains(key)),
        );
    }
    Ok(Plan {
        requirements,
        create_user,
    })
}

#[cfg(test)]
mod tests;
