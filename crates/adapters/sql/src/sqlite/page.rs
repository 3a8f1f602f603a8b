//! A job's page of writes on SQLite: row by row, each a cached statement, under the single
//! writer's transaction (there is no network between the rows to save).

use ports::JobWriteError;

use super::Conn;
use super::common::error::fail;
use super::common::jobs::PageRows;
use super::common::snapshots::upsert_snapshot;
use super::common::{audit, messages};
use super::id;

pub(crate) async fn write(conn: &mut Conn, rows: &PageRows<'_>) -> Result<(), JobWriteError> {
    const OP: &str = "write_job_page";
    for (property, version) in &rows.versions {
        let moved = sqlx::query(
            "UPDATE properties SET evidence_version = evidence_version + 1 WHERE id = $1 AND evidence_version = $2",
        )
        .bind(id(property.as_uuid()))
        .bind(version)
        .execute(&mut *conn)
        .await
        .map_err(fail(OP))?;
        if moved.rows_affected() == 0 {
            return Err(JobWriteError::Conflict);
        }
    }
    for (client, snapshot) in &rows.snapshots {
        upsert_snapshot(conn, *client, snapshot).await?;
    }
    for entry in &rows.audit {
        audit::insert(conn, entry).await?;
    }
    for email in &rows.emails {
        messages::queue(conn, email).await?;
    }
    for (client, reminder, message) in &rows.reminders {
        let recorded = sqlx::query(
            "INSERT INTO reminders_sent (client_id, key, sent_on, relevant_until, message_id) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (client_id, key) DO NOTHING",
        )
        .bind(id(client.as_uuid()))
        .bind(&reminder.key)
        .bind(rows.today)
        .bind(reminder.relevant_until)
        .bind(message.map(|m| id(m.as_uuid())))
        .execute(&mut *conn)
        .await
        .map_err(fail(OP))?;
        if recorded.rows_affected() == 0 {
            return Err(JobWriteError::Conflict);
        }
    }
    Ok(())
}
