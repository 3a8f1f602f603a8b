//! Clients (landlords and letting agents) and their onboarding and subscription states.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::macros::string_enum;
use crate::{BillingPlan, BoundedText, ClientId, Email};

string_enum! {
    /// What kind of customer the client is; companies and agents must give a company name.
    pub enum ClientType {
        Individual => "INDIVIDUAL",
        Company => "COMPANY",
        LettingAgent => "LETTING_AGENT",
    }
}

impl ClientType {
    pub const fn requires_company_name(self) -> bool {
        matches!(self, Self::Company | Self::LettingAgent)
    }
}

string_enum! {
    /// How the client prefers to be contacted.
    pub enum PreferredContact {
        Email => "EMAIL",
        Sms => "SMS",
        Phone => "PHONE",
    }
}

string_enum! {
    /// Where the client is on the way from intake to a working portal account.
    pub enum OnboardingStatus {
        IntakePending => "INTAKE_PENDING",
        Provisioning => "PROVISIONING",
        Provisioned => "PROVISIONED",
        Failed => "FAILED",
    }
}

string_enum! {
    /// The state of the client's paid subscription. `PENDING` until the first payment.
    pub enum SubscriptionStatus {
        Pending => "PENDING",
        Active => "ACTIVE",
        PastDue => "PAST_DUE",
        Cancelled => "CANCELLED",
    }
}

/// A client's details as accepted at intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewClient {
    pub full_name: BoundedText,
    pub email: Email,
    pub client_type: ClientType,
    pub company_name: Option<BoundedText>,
    pub phone: Option<BoundedText>,
    pub preferred_contact: PreferredContact,
    pub billing_plan: BillingPlan,
    pub consent_communications: bool,
}

/// A stored client with its current statuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub id: ClientId,
    #[serde(flatten)]
    pub details: NewClient,
    pub onboarding_status: OnboardingStatus,
    pub subscription_status: SubscriptionStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A complete, valid intake: the client and the properties its plan covers. Built by the edge
/// that parsed the submission, which has checked the rules across fields (company name for
/// companies and agents, property count within the plan, consent given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    pub client: NewClient,
    pub properties: Vec<crate::NewProperty>,
}
