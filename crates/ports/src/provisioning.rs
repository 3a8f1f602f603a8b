//! Provisioning's side of the store: the requirements that exist, and the one transaction that
//! turns a paid client into a working account.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{ClientId, NewAuditEntry, OutgoingEmail, PortalUser, Requirement};

use crate::StoreError;

/// Everything a provisioning run writes, decided before the transaction starts.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvisioningWrite {
    pub client_id: ClientId,
    /// Requirements to create; one that exists already (same property and type) is skipped.
    pub requirements: Vec<Requirement>,
    /// The client's portal user and the email that will carry its setup link, created together
    /// only when no user has the email yet.
    pub user: Option<NewPortalAccount>,
    pub started: NewAuditEntry,
    pub completed: NewAuditEntry,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPortalAccount {
    pub user: PortalUser,
    /// Its link's token is made when it is sent.
    pub setup_email: OutgoingEmail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvisionOutcome {
    /// The client is PROVISIONED, with what this run created.
    Completed {
        requirements_created: u32,
        user_created: bool,
    },
    /// The client was PROVISIONED and nothing was missing: nothing was written (no audit entry).
    AlreadyDone,
}

#[async_trait]
pub trait ProvisioningRepository: Send + Sync {
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn list_requirements(&self, client: ClientId) -> Result<Vec<Requirement>, StoreError>;

    /// In one transaction, with the client locked against concurrent runs: creates the missing
    /// requirements, the user (with token and setup email) when none has the email, marks the
    /// client PROVISIONED (clearing any earlier failure) and writes both audit entries. When the
    /// client is already PROVISIONED and nothing was missing, writes nothing.
    ///
    /// # Errors
    /// [`StoreError`] when any write fails; nothing of the run remains then.
    async fn provision(&self, write: &ProvisioningWrite) -> Result<ProvisionOutcome, StoreError>;

    /// Records a failed run: the client's onboarding becomes FAILED with the reason (a client
    /// already PROVISIONED keeps its working account and gets only the reason), and the run's
    /// PROVISIONING_STARTED and PROVISIONING_FAILED entries are written.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn record_provisioning_failure(
        &self,
        client: ClientId,
        reason: &str,
        now: DateTime<Utc>,
        started: &NewAuditEntry,
        failed: &NewAuditEntry,
    ) -> Result<(), StoreError>;
}
