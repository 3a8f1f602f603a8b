//! A job's page of writes on PostgreSQL: one statement a table (`INSERT … SELECT FROM UNNEST`),
//! so a page of hundreds of clients costs five round trips, not thousands. A property whose
//! evidence moved, or a reminder already recorded, shows as fewer rows than asked: the page is
//! then refused whole.

use chrono::{DateTime, Utc};
use domain::RequestId;
use ports::JobWriteError;
use uuid::Uuid;

use super::Conn;
use super::common::audit::INSERT_COLUMNS;
use super::common::error::fail;
use super::common::jobs::PageRows;

const OP: &str = "write_job_page";

pub(crate) async fn write(conn: &mut Conn, rows: &PageRows<'_>) -> Result<(), JobWriteError> {
    if !rows.versions.is_empty() {
        let (ids, versions): (Vec<Uuid>, Vec<i64>) = rows.versions.iter().map(|(p, v)| (p.as_uuid(), *v)).unzip();
        let moved = sqlx::query(
            "UPDATE properties AS p SET evidence_version = p.evidence_version + 1 \
             FROM UNNEST($1::uuid[], $2::bigint[]) AS v (id, version) \
             WHERE p.id = v.id AND p.evidence_version = v.version",
        )
        .bind(ids)
        .bind(versions)
        .execute(&mut *conn)
        .await
        .map_err(fail(OP))?;
        if moved.rows_affected() != rows.versions.len() as u64 {
            return Err(JobWriteError::Conflict);
        }
    }
    snapshots(conn, rows).await?;
    audit(conn, rows).await?;
    emails(conn, rows).await?;
    reminders(conn, rows).await
}

async fn snapshots(conn: &mut Conn, rows: &PageRows<'_>) -> Result<(), JobWriteError> {
    if rows.snapshots.is_empty() {
        return Ok(());
    }
    let mut c = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (client, s) in &rows.snapshots {
        c.0.push(s.property_id.as_uuid());
        c.1.push(s.requirement.as_str());
        c.2.push(client.as_uuid());
        c.3.push(s.snapshot.status.as_str());
        c.4.push(s.snapshot.due_date);
        c.5.push(s.snapshot.evaluated_on);
        c.6.push(s.snapshot.red_since);
    }
    sqlx::query(
        "INSERT INTO requirement_snapshots (property_id, requirement, client_id, status, due_date, evaluated_on, \
         red_since) SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::date[], $6::date[], \
         $7::date[]) ON CONFLICT (property_id, requirement) DO UPDATE SET status = excluded.status, \
         due_date = excluded.due_date, evaluated_on = excluded.evaluated_on, red_since = excluded.red_since",
    )
    .bind(c.0)
    .bind(c.1)
    .bind(c.2)
    .bind(c.3)
    .bind(c.4)
    .bind(c.5)
    .bind(c.6)
    .execute(&mut *conn)
    .await
    .map_err(fail(OP))?;
    Ok(())
}

/// The entries in the order given, so their positions (and the chain) follow the page.
async fn audit(conn: &mut Conn, rows: &PageRows<'_>) -> Result<(), JobWriteError> {
    if rows.audit.is_empty() {
        return Ok(());
    }
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(ToString::to_string);
    let mut ids: Vec<Uuid> = Vec::new();
    let mut at: Vec<DateTime<Utc>> = Vec::new();
    let (mut action, mut role) = (Vec::new(), Vec::new());
    let (mut actor, mut client) = (Vec::new(), Vec::new());
    let (mut kind, mut resource) = (Vec::new(), Vec::new());
    let (mut before, mut after, mut metadata, mut request) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for e in &rows.audit {
        ids.push(e.id);
        at.push(e.occurred_at);
        action.push(e.action.as_str());
        role.push(e.actor.role.as_str());
        actor.push(e.actor.id.clone());
        client.push(e.client_id.map(|c| c.as_uuid()));
        kind.push(e.resource_type.clone());
        resource.push(e.resource_id.clone());
        before.push(json(&e.before));
        after.push(json(&e.after));
        metadata.push(json(&e.metadata));
        request.push(e.request_id.as_ref().map(RequestId::as_str).map(str::to_owned));
    }
    let sql = format!(
        "INSERT INTO audit_log ({INSERT_COLUMNS}) SELECT {INSERT_COLUMNS} FROM UNNEST($1::uuid[], $2::timestamptz[], \
         $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], \
         $12::text[]) WITH ORDINALITY AS e ({INSERT_COLUMNS}, n) ORDER BY n"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(ids)
        .bind(at)
        .bind(action)
        .bind(role)
        .bind(actor)
        .bind(client)
        .bind(kind)
        .bind(resource)
        .bind(before)
        .bind(after)
        .bind(metadata)
        .bind(request)
        .execute(&mut *conn)
        .await
        .map_err(fail(OP))?;
    Ok(())
}

async fn emails(conn: &mut Conn, rows: &PageRows<'_>) -> Result<(), JobWriteError> {
    if rows.emails.is_empty() {
        return Ok(());
    }
    let e = &rows.emails;
    sqlx::query(
        "INSERT INTO message_logs (id, client_id, template, recipient, model, status, attempts, next_attempt_at, \
         created_at, updated_at) SELECT id, client_id, template, recipient, CAST(model AS jsonb), 'QUEUED', 0, at, at, \
         at FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) \
         AS m (id, client_id, template, recipient, model, at)",
    )
    .bind(e.iter().map(|m| m.id.as_uuid()).collect::<Vec<_>>())
    .bind(e.iter().map(|m| m.client_id.map(|c| c.as_uuid())).collect::<Vec<_>>())
    .bind(e.iter().map(|m| m.content.alias().as_str()).collect::<Vec<_>>())
    .bind(e.iter().map(|m| m.to.as_str()).collect::<Vec<_>>())
    .bind(e.iter().map(|m| m.content.model().to_string()).collect::<Vec<_>>())
    .bind(e.iter().map(|m| m.created_at).collect::<Vec<_>>())
    .execute(&mut *conn)
    .await
    .map_err(fail(OP))?;
    Ok(())
}

async fn reminders(conn: &mut Conn, rows: &PageRows<'_>) -> Result<(), JobWriteError> {
    if rows.reminders.is_empty() {
        return Ok(());
    }
    let r = &rows.reminders;
    let recorded = sqlx::query(
        "INSERT INTO reminders_sent (client_id, key, sent_on, relevant_until, message_id) \
         SELECT client_id, key, $5, relevant_until, message_id \
         FROM UNNEST($1::uuid[], $2::text[], $3::date[], $4::uuid[]) AS r (client_id, key, relevant_until, message_id) \
         ON CONFLICT (client_id, key) DO NOTHING",
    )
    .bind(r.iter().map(|(client, _, _)| client.as_uuid()).collect::<Vec<_>>())
    .bind(
        r.iter()
            .map(|(_, reminder, _)| reminder.key.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        r.iter()
            .map(|(_, reminder, _)| reminder.relevant_until)
            .collect::<Vec<_>>(),
    )
    .bind(
        r.iter()
            .map(|(_, _, message)| message.map(|m| m.as_uuid()))
            .collect::<Vec<_>>(),
    )
    .bind(rows.today)
    .execute(&mut *conn)
    .await
    .map_err(fail(OP))?;
    if recorded.rows_affected() != r.len() as u64 {
        return Err(JobWriteError::Conflict);
    }
    Ok(())
}
