//! What is remembered of each requirement between evaluations, and the scheduled jobs' names:
//! the vocabulary the daily job, uploads and reviews share with the stores.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::macros::string_enum;
use crate::{PropertyId, Rag, RequirementType, Status};

/// A requirement's evaluation as last recorded: what a status change is a difference from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub status: Status,
    pub due_date: Option<NaiveDate>,
    pub evaluated_on: NaiveDate,
    /// The first day of the current RED spell; `None` when not RED.
    pub red_since: Option<NaiveDate>,
}

impl Snapshot {
    /// The snapshot after evaluating `status` and `due_date` on `today`, following `previous`:
    /// a RED spell keeps the day it began.
    pub fn next(previous: Option<&Snapshot>, status: Status, due_date: Option<NaiveDate>, today: NaiveDate) -> Self {
        let red_since = (status.rag() == Rag::Red).then(|| {
            previous
                .filter(|p| p.status.rag() == Rag::Red)
                .and_then(|p| p.red_since)
                .unwrap_or(today)
        });
        Self {
            status,
            due_date,
            evaluated_on: today,
            red_since,
        }
    }

    /// Whether this differs from `previous` in what a landlord sees: the status or the due date.
    pub fn differs_from(&self, previous: &Snapshot) -> bool {
        self.status != previous.status || self.due_date != previous.due_date
    }
}

/// A property's requirement and its snapshot, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredSnapshot {
    pub property_id: PropertyId,
    pub requirement: RequirementType,
    pub snapshot: Snapshot,
}

string_enum! {
    /// A scheduled job.
    pub enum JobKind {
        Daily => "daily",
        Monthly => "monthly",
    }
}

string_enum! {
    /// How a job run ended, or that it has not yet.
    pub enum JobOutcome {
        Running => "running",
        Completed => "completed",
        Failed => "failed",
    }
}

/// What a job run did: the counts of its summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCounts {
    pub clients: u64,
    pub properties: u64,
    pub status_changes: u64,
    pub reminders_queued: u64,
    pub digests_queued: u64,
}
