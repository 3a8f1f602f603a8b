//! What the console's routes answer, as JSON.

use chrono::{DateTime, Utc};
use domain::{AuditEntry, Client, PortalUser};
use ports::ClientSummary;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::documents::{Dashboard, DocumentView};
use crate::api::messages::MessageView;

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientView {
    client_id: Uuid,
    full_name: String,
    email: String,
    #[schema(example = "COMPANY")]
    client_type: String,
    company_name: Option<String>,
    phone: Option<String>,
    #[schema(example = "PLAN_6_15")]
    billing_plan: String,
    #[schema(example = "PROVISIONED")]
    onboarding_status: String,
    #[schema(example = "ACTIVE")]
    subscription_status: String,
    created_at: DateTime<Utc>,
}

impl From<&Client> for ClientView {
    fn from(c: &Client) -> Self {
        let d = &c.details;
        Self {
            client_id: c.id.as_uuid(),
            full_name: d.full_name.as_str().to_owned(),
            email: d.email.to_string(),
            client_type: d.client_type.to_string(),
            company_name: d.company_name.as_ref().map(|n| n.as_str().to_owned()),
            phone: d.phone.as_ref().map(|p| p.as_str().to_owned()),
            billing_plan: d.billing_plan.to_string(),
            onboarding_status: c.onboarding_status.to_string(),
            subscription_status: c.subscription_status.to_string(),
            created_at: c.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientListItem {
    #[serde(flatten)]
    client: ClientView,
    property_count: u32,
    /// RED, AMBER or GREEN as last evaluated; null until the first evaluation.
    #[schema(example = "RED")]
    portfolio_status: Option<String>,
}

impl From<ClientSummary> for ClientListItem {
    fn from(s: ClientSummary) -> Self {
        Self {
            client: ClientView::from(&s.client),
            property_count: s.property_count,
            portfolio_status: s.portfolio_status.map(|r| r.as_str().to_owned()),
        }
    }
}

/// One page of a list, and the cursor for the next; `next_cursor` is null on the last page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    user_id: Uuid,
    email: String,
    #[schema(example = "CLIENT")]
    role: String,
    client_id: Option<Uuid>,
    #[schema(example = "ACTIVE")]
    status: String,
    #[schema(example = "SET")]
    password_status: String,
    created_at: DateTime<Utc>,
}

impl From<PortalUser> for UserView {
    fn from(u: PortalUser) -> Self {
        Self {
            user_id: u.id.as_uuid(),
            email: u.email.to_string(),
            role: u.role.to_string(),
            client_id: u.client_id.map(|c| c.as_uuid()),
            status: u.status.to_string(),
            password_status: u.password_status.to_string(),
            created_at: u.created_at,
        }
    }
}

/// An audit entry with its place in the log and, once sealed, in the chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    /// Its position in the log (the order entries were committed).
    position: i64,
    /// Its number in the hash chain; null until sealed.
    seq: Option<i64>,
    /// Hex SHA-256 of the entry before it in the chain; null for the first, or until sealed.
    prev_hash: Option<String>,
    /// Hex SHA-256 of this entry's content and `prev_hash`; null until sealed.
    hash: Option<String>,
    entry_id: Uuid,
    occurred_at: DateTime<Utc>,
    #[schema(example = "DOCUMENT_VERIFIED")]
    action: String,
    #[schema(example = "ADMIN")]
    actor_role: String,
    actor_id: Option<String>,
    client_id: Option<Uuid>,
    resource_type: Option<String>,
    resource_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    after: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    metadata: Option<serde_json::Value>,
    request_id: Option<String>,
}

impl AuditView {
    pub fn new(position: i64, e: AuditEntry) -> Self {
        let seal = e.seal.as_ref();
        let entry = e.entry;
        Self {
            position,
            seq: seal.map(|s| s.seq),
            prev_hash: seal.and_then(|s| s.prev_hash).map(|h| h.to_string()),
            hash: seal.map(|s| s.hash.to_string()),
            entry_id: entry.id,
            occurred_at: entry.occurred_at,
            action: entry.action.to_string(),
            actor_role: entry.actor.role.to_string(),
            actor_id: entry.actor.id,
            client_id: entry.client_id.map(|c| c.as_uuid()),
            resource_type: entry.resource_type,
            resource_id: entry.resource_id,
            before: entry.before,
            after: entry.after,
            metadata: entry.metadata,
            request_id: entry.request_id.map(|r| r.as_str().to_owned()),
        }
    }
}

/// One client with everything about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientDetailView {
    pub client: ClientView,
    /// Its properties and their requirements as of today, as the client's dashboard shows them.
    pub portfolio: Dashboard,
    pub documents: Vec<DocumentView>,
    pub users: Vec<UserView>,
    /// The 20 newest.
    pub messages: Vec<MessageView>,
    /// The 50 newest, with their chain positions.
    pub audit: Vec<AuditView>,
}
