//! When each job last succeeded, for the health report: a daily job not done for 26 hours, or a
//! monthly one for 32 days, is stale.

use chrono::{DateTime, Duration, Utc};
use domain::JobKind;
use ports::{Store, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobHealth {
    pub job: JobKind,
    /// When its newest completed run finished; `None` when it never ran.
    pub last_success: Option<DateTime<Utc>>,
    /// The period of that run.
    pub last_period: Option<String>,
    /// The last success is older than 26 hours (daily) or 32 days (monthly). A job that never
    /// ran is not stale: its `last_success` is `None`.
    pub stale: bool,
}

/// # Errors
/// [`StoreError`] when the store fails.
pub async fn job_health(store: &dyn Store, now: DateTime<Utc>) -> Result<Vec<JobHealth>, StoreError> {
    let runs = store.last_job_successes().await?;
    Ok(JobKind::ALL
        .iter()
        .map(|&job| {
            let run = runs.iter().find(|r| r.job == job);
            let last_success = run.and_then(|r| r.finished_at);
            let allowed = match job {
                JobKind::Daily => Duration::hours(26),
                JobKind::Monthly => Duration::days(32),
            };
            JobHealth {
                job,
                last_success,
                last_period: run.map(|r| r.period.clone()),
                stale: last_success.is_some_and(|at| now - at > allowed),
            }
        })
        .collect())
}
