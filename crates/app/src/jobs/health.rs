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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use domain::JobOutcome;
    use ports::JobRun;
    use testkit::mocks::MockStore;

    use super::*;

    fn finished(job: JobKind, at: DateTime<Utc>) -> JobRun {
        JobRun {
            job,
            period: "p".into(),
            run_id: uuid::Uuid::now_v7(),
            outcome: JobOutcome::Completed,
            started_at: at,
            lease_until: at,
            finished_at: Some(at),
            counts: None,
            error: None,
        }
    }

    #[tokio::test]
    async fn a_daily_job_is_stale_after_26_hours_and_a_monthly_one_after_32_days() {
        let now = Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap();
        let mut store = MockStore::new();
        store.expect_last_job_successes().returning(move || {
            Ok(vec![
                finished(JobKind::Daily, now - Duration::hours(27)),
                finished(JobKind::Monthly, now - Duration::days(31)),
            ])
        });
        let health = job_health(&store, now).await.unwrap();
        assert_eq!(
            health.iter().map(|h| (h.job, h.stale)).collect::<Vec<_>>(),
            [(JobKind::Daily, true), (JobKind::Monthly, false)]
        );
        let mut never = MockStore::new();
        never.expect_last_job_successes().returning(|| Ok(Vec::new()));
        let health = job_health(&never, now).await.unwrap();
        assert!(health.iter().all(|h| h.last_success.is_none() && !h.stale));
    }
}
