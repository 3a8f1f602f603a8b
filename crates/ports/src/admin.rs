//! What the operators' console reads: clients, the verification queue, users and the audit log,
//! filtered and a page at a time. Pages follow a cursor (the last row's sort key), not an
//! offset, so rows inserted meanwhile never shift a page: every row that existed when the first
//! page was read appears exactly once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    AuditAction, AuditEntry, Client, ClientId, Document, DocumentId, OnboardingStatus, PortalUser, Rag, Role,
    SubscriptionStatus, UserId, UserStatus,
};

use crate::StoreError;

/// Where a page of newest-first rows continues: after the row created at `at` with `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After<Id> {
    pub at: DateTime<Utc>,
    pub id: Id,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientQuery {
    pub onboarding_status: Option<OnboardingStatus>,
    pub subscription_status: Option<SubscriptionStatus>,
    /// The worst colour of the client's requirements as last evaluated.
    pub portfolio_status: Option<Rag>,
    /// Part of the name, the email or a property's postcode; case and spaces do not matter.
    pub search: Option<String>,
    pub after: Option<After<ClientId>>,
    pub limit: u32,
}

/// A client as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSummary {
    pub client: Client,
    pub property_count: u32,
    /// `None` until the client's requirements were first evaluated.
    pub portfolio_status: Option<Rag>,
}

/// The operational figures `/metrics` publishes, as the store holds them now. Counts come
/// labelled with the value they count (an outcome, a status, a colour, a job).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// Provisioning runs by outcome (`complete`, `failed`), from the audit log.
    pub provisioning: Vec<(String, u64)>,
    /// Setup links issued at least 24 hours before `now`: each has had its whole day.
    pub setup_links_issued: u64,
    /// Of those, the ones used to set a password within 24 hours of being issued.
    pub setup_links_used_in_a_day: u64,
    /// Requirements by status, as last evaluated.
    pub requirements: Vec<(String, u64)>,
    /// Properties by the worst colour of their requirements, as last evaluated.
    pub properties: Vec<(Rag, u64)>,
    /// Emails by outcome: `sent` (including those since `delivered` or `bounced`),
    /// `delivered`, `bounced`, `failed`. Each only grows, as a Prometheus counter must.
    pub emails: Vec<(String, u64)>,
    /// Emails waiting to be sent.
    pub emails_queued: u64,
    /// Scheduled job runs by job and outcome.
    pub job_runs: Vec<(String, String, u64)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserQuery {
    pub role: Option<Role>,
    pub status: Option<UserStatus>,
    pub after: Option<After<UserId>>,
    pub limit: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub client_id: Option<ClientId>,
    pub action: Option<AuditAction>,
    pub actor_id: Option<String>,
    /// From this instant, inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Continue after this position (the `pos` of the last entry of the previous page).
    pub after_pos: Option<i64>,
    /// Oldest first (an export) rather than newest first (the console).
    pub oldest_first: bool,
    pub limit: u32,
}

#[async_trait]
pub trait AdminQueries: Send + Sync {
    /// The operational figures as of `now`, read together on one connection.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn figures(&self, now: DateTime<Utc>) -> Result<Figures, StoreError>;

    /// Clients matching `query`, newest first.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_clients(&self, query: &ClientQuery) -> Result<Vec<ClientSummary>, StoreError>;

    /// Documents waiting for review (PENDING), oldest first: the verification queue.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn pending_documents(
        &self,
        after: Option<After<DocumentId>>,
        limit: u32,
    ) -> Result<Vec<Document>, StoreError>;

    /// Portal users matching `query`, newest first.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_users(&self, query: &UserQuery) -> Result<Vec<PortalUser>, StoreError>;

    /// The users of one client.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn users_of_client(&self, client: ClientId) -> Result<Vec<PortalUser>, StoreError>;

    /// Audit entries matching `query`, each with its position in the log.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails, or a row cannot be read back as an entry.
    async fn query_audit(&self, query: &AuditQuery) -> Result<Vec<(i64, AuditEntry)>, StoreError>;
}
