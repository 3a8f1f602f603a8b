//! The scheduled jobs: the daily re-evaluation with its reminders, and the monthly digest. A run
//! is claimed once per period (`2026-12-01`, `2026-12`) under a lease, goes through the ACTIVE
//! clients a page at a time (memory stays flat whatever the portfolio), writes each page in one
//! transaction that still holds the lease, and is recorded and audited when it ends. Whatever a
//! run sent is recorded under a key with it, so a run taken up after a crash, or run again,
//! sends nothing twice.

mod daily;
mod health;
mod monthly;
mod period;

use std::time::{Duration, Instant};

use compliance::ReminderPolicy;
use domain::{Actor, AuditAction, ClientId, JobCounts, JobKind, JobOutcome, NewAuditEntry};
use ports::{ClientChanges, ClientPortfolio, Clock, JobClaim, JobLease, JobWriteError, RunEnd, Store, StoreError};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

pub use health::{JobHealth, job_health};
pub use period::{Period, PeriodError};

use crate::mail::Links;

/// How the runs go: the page size and the lease each write extends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSettings {
    /// Clients read, computed and written together, in one transaction.
    pub page_size: u32,
    /// How long a run may go without writing before another may take it up.
    pub lease: Duration,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            page_size: 200,
            lease: Duration::from_secs(120),
        }
    }
}

/// The ports and settings the jobs take.
#[derive(Clone, Copy)]
pub struct JobServices<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub links: &'a Links,
    pub policy: &'a ReminderPolicy,
    pub settings: JobSettings,
}

impl std::fmt::Debug for JobServices<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobServices")
            .field("policy", self.policy)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// How a run answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Completed,
    /// This period already ran (or another run of it finished meanwhile): nothing was sent.
    AlreadyDone,
    Failed,
}

/// The one JSON line a run prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobSummary {
    pub job: JobKind,
    pub period: String,
    pub outcome: Outcome,
    #[serde(flatten)]
    pub counts: JobCounts,
    pub duration_ms: u64,
    /// Computed and printed only: nothing written or sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// Why the run failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Tries at a page whose clients changed while it was computed, before the run gives up.
const PAGE_ATTEMPTS: u32 = 5;

/// Runs `period`'s job (daily for a day, monthly for a month) once. `dry_run` computes and
/// counts but claims, writes and sends nothing.
#[tracing::instrument(skip_all, fields(job = %period.job(), period = %period, dry_run))]
pub async fn run_job(s: JobServices<'_>, period: Period, dry_run: bool) -> JobSummary {
    let started = Instant::now();
    let mut summary = JobSummary {
        job: period.job(),
        period: period.to_string(),
        outcome: Outcome::Completed,
        counts: JobCounts::default(),
        duration_ms: 0,
        dry_run,
        error: None,
    };
    let result = if dry_run {
        walk(s, &period, None, &mut summary.counts).await
    } else {
        claimed_run(s, &period, &mut summary).await
    };
    if let Err(error) = result {
        tracing::error!(error = %error, "the job run failed");
        summary.outcome = Outcome::Failed;
        summary.error = Some(error);
    }
    summary.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    summary
}

/// Claims the run (waiting out a live one), walks the clients and records the end.
async fn claimed_run(s: JobServices<'_>, period: &Period, summary: &mut JobSummary) -> Result<(), String> {
    let mut lease = JobLease {
        job: period.job(),
        period: period.to_string(),
        run_id: Uuid::now_v7(),
        until: lease_end(s),
    };
    loop {
        match s
            .store
            .claim_job_run(&lease, s.clock.now())
            .await
            .map_err(|e| report(&e))?
        {
            JobClaim::Started => break,
            JobClaim::TakenOver { previous } => {
                tracing::warn!(previous_run = %previous.run_id, "taking up a run that did not finish");
                break;
            }
            JobClaim::Finished(_) => {
                summary.outcome = Outcome::AlreadyDone;
                return Ok(());
            }
            // Another run holds the period: wait for it to finish, or for its lease to run out.
            JobClaim::Running(other) => {
                let left = (other.lease_until - s.clock.now()).to_std().unwrap_or_default();
                tokio::time::sleep(left.clamp(Duration::from_millis(50), Duration::from_millis(500))).await;
                lease.until = lease_end(s);
            }
        }
    }
    let walked = walk(s, period, Some(&mut lease), &mut summary.counts).await;
    let end = RunEnd {
        outcome: if walked.is_ok() {
            JobOutcome::Completed
        } else {
            JobOutcome::Failed
        },
        counts: summary.counts,
        error: walked.as_ref().err().cloned(),
    };
    let mut entry = NewAuditEntry::new(
        Uuid::now_v7(),
        s.clock.now(),
        AuditAction::JobRunCompleted,
        Actor::system(),
    );
    entry.resource_type = Some("job_run".into());
    entry.resource_id = Some(format!("{}:{}", lease.job, lease.period));
    entry.after = Some(json!({ "outcome": end.outcome, "counts": end.counts, "error": end.error }));
    let recorded = s
        .store
        .finish_job_run(&lease, &end, s.clock.now(), &entry)
        .await
        .map_err(|e| report(&e))?;
    if !recorded {
        return Err("the run's lease was lost to another run before it finished".into());
    }
    walked
}

/// Goes through every ACTIVE client a page at a time, writing each page under `lease` (or
/// nothing, for a dry run).
async fn walk(
    s: JobServices<'_>,
    period: &Period,
    mut lease: Option<&mut JobLease>,
    counts: &mut JobCounts,
) -> Result<(), String> {
    let today = period.first_day();
    let mut after: Option<ClientId> = None;
    loop {
        let mut attempt = 0;
        let (page, last) = loop {
            attempt += 1;
            let page = s
                .store
                .active_portfolios(after, s.settings.page_size, today)
                .await
                .map_err(|e: StoreError| report(&e))?;
            let Some(last) = page.last().map(|p| p.client.id) else {
                return Ok(());
            };
            let (changes, page_counts) = compute(s, period, &page);
            let Some(lease) = lease.as_deref_mut() else {
                break (page_counts, last);
            };
            lease.until = lease_end(s);
            match s.store.write_job_page(lease, today, &changes).await {
                Ok(()) => break (page_counts, last),
                Err(JobWriteError::Conflict) if attempt < PAGE_ATTEMPTS => {
                    tracing::info!(attempt, "a page changed while it was computed; reading it again");
                }
                Err(error) => return Err(report(&error)),
            }
        };
        add(counts, &page);
        after = Some(last);
    }
}

/// What the job makes of one page of clients.
fn compute(s: JobServices<'_>, period: &Period, page: &[ClientPortfolio]) -> (Vec<ClientChanges>, JobCounts) {
    let now = s.clock.now();
    let mut counts = JobCounts::default();
    let changes = page
        .iter()
        .map(|portfolio| {
            let (changes, client_counts) = match period {
                Period::Day(today) => daily::changes(s, portfolio, *today, now),
                Period::Month { .. } => monthly::changes(s, portfolio, period, now),
            };
            add(&mut counts, &client_counts);
            changes
        })
        .collect();
    (changes, counts)
}

fn add(total: &mut JobCounts, more: &JobCounts) {
    total.clients += more.clients;
    total.properties += more.properties;
    total.status_changes += more.status_changes;
    total.reminders_queued += more.reminders_queued;
    total.digests_queued += more.digests_queued;
}

fn lease_end(s: JobServices<'_>) -> chrono::DateTime<chrono::Utc> {
    s.clock.now() + chrono::Duration::from_std(s.settings.lease).unwrap_or(chrono::Duration::minutes(2))
}

/// An error with its causes, as the summary and the log say it: "what: why: why".
fn report(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
