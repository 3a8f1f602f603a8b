//! The scheduled jobs' runs, leases and pages. A run is one row per (job, period): inserting it
//! claims the period, and every page of writes first extends the lease of the run that holds it,
//! so a run that lost its lease (it stalled past it and another took over) writes nothing more.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{ClientId, JobCounts, JobKind, JobOutcome, NewAuditEntry, StoredSnapshot};
use ports::{
    ClientChanges, ClientPortfolio, JobClaim, JobLease, JobRepository, JobRun, JobWriteError, RunEnd, StoreError,
};
use sqlx::types::Json;

use super::error::{col, fail, parsed};
use super::{FOR_UPDATE, Row, Store, audit, id, page, portfolios, uuid};

const RUN_COLUMNS: &str = "job, period, run_id, outcome, started_at, lease_until, finished_at, counts, error";

#[async_trait]
impl JobRepository for Store {
    async fn claim_job_run(&self, lease: &JobLease, now: DateTime<Utc>) -> Result<JobClaim, StoreError> {
        const OP: &str = "claim_job_run";
        let mut tx = self.begin_write(OP).await?;
        // Of two claims at once, one inserts; the other waits for it and inserts nothing.
        let inserted = sqlx::query(
            "INSERT INTO job_runs (job, period, run_id, outcome, started_at, lease_until) \
             VALUES ($1, $2, $3, 'running', $4, $5) ON CONFLICT (job, period) DO NOTHING",
        )
        .bind(lease.job.as_str())
        .bind(&lease.period)
        .bind(id(lease.run_id))
        .bind(now)
        .bind(lease.until)
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        if inserted.rows_affected() == 1 {
            tx.commit().await.map_err(fail(OP))?;
            return Ok(JobClaim::Started);
        }
        let sql = format!("SELECT {RUN_COLUMNS} FROM job_runs WHERE job = $1 AND period = $2{FOR_UPDATE}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(lease.job.as_str())
            .bind(&lease.period)
            .fetch_one(&mut *tx)
            .await
            .map_err(fail(OP))?;
        let run = run_from_row(&row)?;
        let claim = match run.outcome {
            JobOutcome::Completed => JobClaim::Finished(run),
            JobOutcome::Running if run.lease_until > now => JobClaim::Running(run),
            JobOutcome::Running | JobOutcome::Failed => {
                sqlx::query(
                    "UPDATE job_runs SET run_id = $3, outcome = 'running', started_at = $4, lease_until = $5, \
                     finished_at = NULL, error = NULL WHERE job = $1 AND period = $2",
                )
                .bind(lease.job.as_str())
                .bind(&lease.period)
                .bind(id(lease.run_id))
                .bind(now)
                .bind(lease.until)
                .execute(&mut *tx)
                .await
                .map_err(fail(OP))?;
                JobClaim::TakenOver { previous: run }
            }
        };
        tx.commit().await.map_err(fail(OP))?;
        Ok(claim)
    }

    async fn finish_job_run(
        &self,
        lease: &JobLease,
        end: &RunEnd,
        now: DateTime<Utc>,
        audit_entry: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        const OP: &str = "finish_job_run";
        let mut tx = self.begin_write(OP).await?;
        let finished = sqlx::query(
            "UPDATE job_runs SET outcome = $4, finished_at = $5, lease_until = $5, counts = $6, error = $7 \
             WHERE job = $1 AND period = $2 AND run_id = $3 AND outcome = 'running'",
        )
        .bind(lease.job.as_str())
        .bind(&lease.period)
        .bind(id(lease.run_id))
        .bind(end.outcome.as_str())
        .bind(now)
        .bind(Json(&end.counts))
        .bind(end.error.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        if finished.rows_affected() == 0 {
            return Ok(false);
        }
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(fail(OP))?;
        Ok(true)
    }

    async fn last_job_successes(&self) -> Result<Vec<JobRun>, StoreError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM job_runs WHERE job = $1 AND outcome = 'completed' \
             ORDER BY finished_at DESC LIMIT 1"
        );
        let mut runs = Vec::new();
        for job in JobKind::ALL {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(job.as_str())
                .fetch_optional(self.reader())
                .await
                .map_err(fail("last_job_successes"))?;
            if let Some(row) = row {
                runs.push(run_from_row(&row)?);
            }
        }
        Ok(runs)
    }

    async fn active_portfolios(
        &self,
        after: Option<ClientId>,
        limit: u32,
        today: NaiveDate,
    ) -> Result<Vec<ClientPortfolio>, StoreError> {
        portfolios::active(self, after, limit, today).await
    }

    async fn write_job_page(
        &self,
        lease: &JobLease,
        today: NaiveDate,
        changes: &[ClientChanges],
    ) -> Result<(), JobWriteError> {
        const OP: &str = "write_job_page";
        let mut tx = self.begin_write(OP).await?;
        let fenced = sqlx::query(
            "UPDATE job_runs SET lease_until = $4 WHERE job = $1 AND period = $2 AND run_id = $3 AND outcome = 'running'",
        )
        .bind(lease.job.as_str())
        .bind(&lease.period)
        .bind(id(lease.run_id))
        .bind(lease.until)
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        if fenced.rows_affected() == 0 {
            return Err(JobWriteError::LeaseLost);
        }
        page::write(&mut tx, &PageRows::of(changes, today)).await?;
        tx.commit().await.map_err(fail(OP))?;
        Ok(())
    }
}

/// A page's writes, row by row, in the order they are made: what each backend writes its own way
/// (PostgreSQL one statement a table, SQLite one row at a time under its single writer).
pub(crate) struct PageRows<'a> {
    pub today: NaiveDate,
    /// Each property whose evidence the page moves on, at the version it was computed from.
    pub versions: Vec<(domain::PropertyId, i64)>,
    pub snapshots: Vec<(ClientId, &'a StoredSnapshot)>,
    pub audit: Vec<&'a NewAuditEntry>,
    pub emails: Vec<&'a domain::OutgoingEmail>,
    /// Each reminder with its client and the email it went in.
    pub reminders: Vec<(ClientId, &'a ports::SentReminder, Option<domain::MessageId>)>,
}

impl<'a> PageRows<'a> {
    fn of(changes: &'a [ClientChanges], today: NaiveDate) -> Self {
        let mut rows = Self {
            today,
            versions: Vec::new(),
            snapshots: Vec::new(),
            audit: Vec::new(),
            emails: Vec::new(),
            reminders: Vec::new(),
        };
        for client in changes {
            for property in &client.properties {
                rows.versions.push((property.property_id, property.evidence_version));
                rows.snapshots
                    .extend(property.snapshots.iter().map(|s| (client.client_id, s)));
                rows.audit.extend(&property.audit);
            }
            let message = client.email.as_ref().map(|(email, entry)| {
                rows.emails.push(email);
                rows.audit.push(entry);
                email.id
            });
            rows.reminders
                .extend(client.reminders.iter().map(|r| (client.client_id, r, message)));
        }
        rows
    }
}

fn run_from_row(row: &Row) -> Result<JobRun, StoreError> {
    let counts: Option<Json<JobCounts>> = col(row, "counts")?;
    Ok(JobRun {
        job: parsed(row, "job")?,
        period: col(row, "period")?,
        run_id: uuid(row, "run_id")?,
        outcome: parsed(row, "outcome")?,
        started_at: col(row, "started_at")?,
        lease_until: col(row, "lease_until")?,
        finished_at: col(row, "finished_at")?,
        counts: counts.map(|Json(c)| c),
        error: col(row, "error")?,
    })
}
