//! The scheduled jobs' runs, leases and pages. A run is one row per (job, period): inserting it
//! claims the period, and every page of writes first extends the lease of the run that holds it,
//! so a run that lost its lease (it stalled past it and another took over) writes nothing more.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{ClientId, JobCounts, JobKind, JobOutcome, NewAuditEntry, Snapshot, StoredSnapshot};
use ports::{
    ClientChanges, ClientPortfolio, JobClaim, JobLease, JobRepository, JobRun, JobWriteError, PropertyRecord, RunEnd,
    StoreError,
};
use sqlx::types::Json;
use uuid::Uuid;

use super::clients::{CLIENT_COLUMNS, PROPERTY_COLUMNS, client_from_row, property_from_row};
use super::documents::{COLUMNS as DOCUMENT_COLUMNS, document_from_row};
use super::error::{col, fail, parsed};
use super::{Conn, FOR_UPDATE, Row, Store, audit, id, page, uuid};

const SNAPSHOT_COLUMNS: &str = "property_id, requirement, status, due_date, evaluated_on, red_since";

const RUN_COLUMNS: &str = "job, period, run_id, outcome, started_at, lease_until, finished_at, counts, error";

/// The rows of a page's clients: those whose client id is from `$1` to `$2`. Pages' ranges are
/// disjoint, so every row is read once in a run; rows of clients in the range that are not
/// ACTIVE are read and dropped (by an index range scan, where a join on the page's ids would
/// make the planner scan whole tables).
const IN_PAGE: &str = "client_id >= $1 AND client_id <= $2";

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
        const OP: &str = "active_portfolios";
        let mut conn = self.reader().acquire().await.map_err(fail(OP))?;
        let after = after.map_or(Uuid::nil(), |c| c.as_uuid());
        let sql = format!(
            "SELECT {CLIENT_COLUMNS} FROM clients WHERE subscription_status = 'ACTIVE' AND id > $1 ORDER BY id LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id(after))
            .bind(i64::from(limit))
            .fetch_all(&mut *conn)
            .await
            .map_err(fail(OP))?;
        let clients = rows.iter().map(client_from_row).collect::<Result<Vec<_>, _>>()?;
        let (Some(first), Some(last)) = (clients.first(), clients.last()) else {
            return Ok(Vec::new());
        };
        let range = (first.id.as_uuid(), last.id.as_uuid());
        let mut pages: HashMap<ClientId, ClientPortfolio> = clients
            .iter()
            .map(|client| {
                let portfolio = ClientPortfolio {
                    client: client.clone(),
                    properties: Vec::new(),
                    reminders_sent: std::collections::HashSet::new(),
                };
                (client.id, portfolio)
            })
            .collect();
        read_properties(&mut conn, range, &mut pages).await?;
        read_reminders(&mut conn, range, today, &mut pages).await?;
        Ok(clients.iter().filter_map(|c| pages.remove(&c.id)).collect())
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

/// Writes a requirement's snapshot, in `conn`'s transaction. Uploads and reviews call it too.
pub(crate) async fn upsert_snapshot(conn: &mut Conn, client: ClientId, s: &StoredSnapshot) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO requirement_snapshots (property_id, requirement, client_id, status, due_date, evaluated_on, \
         red_since) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (property_id, requirement) DO UPDATE SET \
         status = excluded.status, due_date = excluded.due_date, evaluated_on = excluded.evaluated_on, \
         red_since = excluded.red_since",
    )
    .bind(id(s.property_id.as_uuid()))
    .bind(s.requirement.as_str())
    .bind(id(client.as_uuid()))
    .bind(s.snapshot.status.as_str())
    .bind(s.snapshot.due_date)
    .bind(s.snapshot.evaluated_on)
    .bind(s.snapshot.red_since)
    .execute(conn)
    .await
    .map_err(fail("write_snapshot"))?;
    Ok(())
}

/// The snapshots of a property's requirements.
pub(crate) async fn snapshots_of(
    conn: &mut Conn,
    property: domain::PropertyId,
) -> Result<Vec<StoredSnapshot>, StoreError> {
    let sql = format!("SELECT {SNAPSHOT_COLUMNS} FROM requirement_snapshots WHERE property_id = $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(property.as_uuid()))
        .fetch_all(conn)
        .await
        .map_err(fail("read_snapshots"))?;
    rows.iter().map(snapshot_from_row).collect()
}

/// `columns` of the rows of `table` whose client is in the page, in `order`.
async fn in_page(
    conn: &mut Conn,
    (columns, table, order): (&str, &str, &str),
    (first, last): (Uuid, Uuid),
) -> Result<Vec<Row>, StoreError> {
    let sql = format!("SELECT {columns} FROM {table} WHERE {IN_PAGE} ORDER BY {order}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(first))
        .bind(id(last))
        .fetch_all(conn)
        .await
        .map_err(fail("active_portfolios"))
}

async fn read_properties(
    conn: &mut Conn,
    range: (Uuid, Uuid),
    pages: &mut HashMap<ClientId, ClientPortfolio>,
) -> Result<(), StoreError> {
    let columns = format!("{PROPERTY_COLUMNS}, evidence_version");
    let rows = in_page(conn, (&columns, "properties", "created_at, id"), range).await?;
    let mut properties: HashMap<domain::PropertyId, PropertyRecord> = HashMap::new();
    let mut order = Vec::new();
    for row in &rows {
        let property = property_from_row(row)?;
        order.push(property.id);
        let record = PropertyRecord {
            evidence_version: col(row, "evidence_version")?,
            property,
            documents: Vec::new(),
            snapshots: Vec::new(),
        };
        properties.insert(record.property.id, record);
    }
    let rows = in_page(conn, (DOCUMENT_COLUMNS, "documents", "created_at, id"), range).await?;
    for row in &rows {
        let document = document_from_row(row)?;
        if let Some(record) = properties.get_mut(&document.property_id) {
            record.documents.push(document);
        }
    }
    let rows = in_page(conn, (SNAPSHOT_COLUMNS, "requirement_snapshots", "property_id"), range).await?;
    for row in &rows {
        let snapshot = snapshot_from_row(row)?;
        if let Some(record) = properties.get_mut(&snapshot.property_id) {
            record.snapshots.push(snapshot);
        }
    }
    for property_id in order {
        if let Some(record) = properties.remove(&property_id)
            && let Some(page) = pages.get_mut(&record.property.client_id)
        {
            page.properties.push(record);
        }
    }
    Ok(())
}

async fn read_reminders(
    conn: &mut Conn,
    (first, last): (Uuid, Uuid),
    today: NaiveDate,
    pages: &mut HashMap<ClientId, ClientPortfolio>,
) -> Result<(), StoreError> {
    let sql = format!("SELECT key, client_id FROM reminders_sent WHERE {IN_PAGE} AND relevant_until >= $3");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(first))
        .bind(id(last))
        .bind(today)
        .fetch_all(conn)
        .await
        .map_err(fail("active_portfolios"))?;
    for row in &rows {
        let client = ClientId::from_uuid(uuid(row, "client_id")?);
        if let Some(page) = pages.get_mut(&client) {
            page.reminders_sent.insert(col(row, "key")?);
        }
    }
    Ok(())
}

fn snapshot_from_row(row: &Row) -> Result<StoredSnapshot, StoreError> {
    Ok(StoredSnapshot {
        property_id: domain::PropertyId::from_uuid(uuid(row, "property_id")?),
        requirement: parsed(row, "requirement")?,
        snapshot: Snapshot {
            status: parsed(row, "status")?,
            due_date: col(row, "due_date")?,
            evaluated_on: col(row, "evaluated_on")?,
            red_since: col(row, "red_since")?,
        },
    })
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
