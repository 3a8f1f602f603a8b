//! Each requirement's last evaluation: written in the transaction of the change that made it
//! (an upload, a review, a job's page), read with the property's evidence.

use domain::{ClientId, PropertyId, Snapshot, StoredSnapshot};
use ports::StoreError;

use super::error::{col, fail, parsed};
use super::{Conn, Row, id, uuid};

pub(crate) const SNAPSHOT_COLUMNS: &str = "property_id, requirement, status, due_date, evaluated_on, red_since";

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
pub(crate) async fn snapshots_of(conn: &mut Conn, property: PropertyId) -> Result<Vec<StoredSnapshot>, StoreError> {
    let sql = format!("SELECT {SNAPSHOT_COLUMNS} FROM requirement_snapshots WHERE property_id = $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(property.as_uuid()))
        .fetch_all(conn)
        .await
        .map_err(fail("read_snapshots"))?;
    rows.iter().map(snapshot_from_row).collect()
}

pub(crate) fn snapshot_from_row(row: &Row) -> Result<StoredSnapshot, StoreError> {
    Ok(StoredSnapshot {
        property_id: PropertyId::from_uuid(uuid(row, "property_id")?),
        requirement: parsed(row, "requirement")?,
        snapshot: Snapshot {
            status: parsed(row, "status")?,
            due_date: col(row, "due_date")?,
            evaluated_on: col(row, "evaluated_on")?,
            red_since: col(row, "red_since")?,
        },
    })
}
