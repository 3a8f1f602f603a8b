//! What the scheduled jobs need from the store: a run claimed once per (job, period) under a
//! lease, the ACTIVE clients' portfolios a page at a time, and each page's changes written in one
//! transaction that still holds the lease.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    Client, ClientId, Document, JobCounts, JobKind, JobOutcome, NewAuditEntry, OutgoingEmail, Property, StoredSnapshot,
};
use uuid::Uuid;

use crate::StoreError;

/// A run of a job for a period (`2026-12-01`, `2026-12`), as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRun {
    pub job: JobKind,
    pub period: String,
    pub run_id: Uuid,
    pub outcome: JobOutcome,
    pub started_at: DateTime<Utc>,
    pub lease_until: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// What the run did, as it left it.
    pub counts: Option<JobCounts>,
    pub error: Option<String>,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunEnd {
    /// `Completed` or `Failed`.
    pub outcome: JobOutcome,
    pub counts: JobCounts,
    pub error: Option<String>,
}

/// What claiming a run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobClaim {
    /// No run of this period yet: this one starts it.
    Started,
    /// A run of this period stopped without finishing (its lease ran out, or it failed): this one
    /// takes it up. What the earlier run wrote stays written; nothing it sent is sent again.
    TakenOver { previous: JobRun },
    /// A run of this period has finished: nothing is to be done again.
    Finished(JobRun),
    /// Another run of this period holds a live lease.
    Running(JobRun),
}

/// The lease a run holds: every write of the run names it, and is refused once it is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobLease {
    pub job: JobKind,
    pub period: String,
    pub run_id: Uuid,
    /// How long each write extends the lease to.
    pub until: DateTime<Utc>,
}

/// An ACTIVE client's portfolio as one evaluation needs it.
#[derive(Debug, Clone)]
pub struct ClientPortfolio {
    pub client: Client,
    pub properties: Vec<PropertyRecord>,
    /// The keys of the reminders already sent to this client that can still come up.
    pub reminders_sent: HashSet<String>,
}

/// A property with its documents, the version they are at, and its requirements' snapshots.
#[derive(Debug, Clone)]
pub struct PropertyRecord {
    pub property: Property,
    pub evidence_version: i64,
    pub documents: Vec<Document>,
    pub snapshots: Vec<StoredSnapshot>,
}

/// A reminder sent once ever under its key; forgotten after `relevant_until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReminder {
    pub key: String,
    pub relevant_until: NaiveDate,
}

/// What a run writes for one client.
#[derive(Debug, Clone)]
pub struct ClientChanges {
    pub client_id: ClientId,
    /// Each property whose snapshots change, at the evidence version they were computed from.
    pub properties: Vec<PropertyChanges>,
    /// Sent with `email`; a key already recorded refuses the page.
    pub reminders: Vec<SentReminder>,
    /// The email and its audit entry (REMINDER_SENT or DIGEST_SENT).
    pub email: Option<(OutgoingEmail, NewAuditEntry)>,
}

#[derive(Debug, Clone)]
pub struct PropertyChanges {
    pub property_id: domain::PropertyId,
    pub evidence_version: i64,
    pub snapshots: Vec<StoredSnapshot>,
    /// COMPLIANCE_STATUS_CHANGED, one per requirement that changed.
    pub audit: Vec<NewAuditEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum JobWriteError {
    /// Another run holds the lease now; nothing of this page was written.
    #[error("the run's lease was lost")]
    LeaseLost,
    /// A property's evidence moved on, or a reminder was recorded meanwhile: read the page again.
    #[error("the page changed while it was computed")]
    Conflict,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[async_trait]
pub trait JobRepository: Send + Sync {
    /// Claims the run of `job` for `period` for `lease.run_id`, leased until `lease.until`.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn claim_job_run(&self, lease: &JobLease, now: DateTime<Utc>) -> Result<JobClaim, StoreError>;

    /// Records how the run ended, with `audit` (JOB_RUN_COMPLETED), if it still holds its lease.
    /// Returns `false` when it does not.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn finish_job_run(
        &self,
        lease: &JobLease,
        end: &RunEnd,
        now: DateTime<Utc>,
        audit: &NewAuditEntry,
    ) -> Result<bool, StoreError>;

    /// The newest completed run of each job.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn last_job_successes(&self) -> Result<Vec<JobRun>, StoreError>;

    /// Up to `limit` ACTIVE clients after `after` in id order, each with its portfolio and the
    /// reminders sent to it still relevant on `today`.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn active_portfolios(
        &self,
        after: Option<ClientId>,
        limit: u32,
        today: NaiveDate,
    ) -> Result<Vec<ClientPortfolio>, StoreError>;

    /// Writes one page of changes in one transaction, extending the lease, or nothing.
    ///
    /// # Errors
    /// [`JobWriteError::LeaseLost`], [`JobWriteError::Conflict`] (nothing written), or a store
    /// failure.
    async fn write_job_page(
        &self,
        lease: &JobLease,
        today: NaiveDate,
        changes: &[ClientChanges],
    ) -> Result<(), JobWriteError>;
}
