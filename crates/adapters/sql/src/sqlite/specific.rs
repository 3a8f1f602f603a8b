//! What only SQLite does: an intake as one write transaction of several statements, and sealing
//! under the single writer's lock, one entry at a time (SQLite has no `UPDATE … FROM UNNEST`).

use domain::{BoundedText, Client, NewAuditEntry, Property};
use ports::{CreateClientError, StoreError};

use super::common::audit;
use super::common::clients::{CLIENT_COLUMNS, PROPERTY_COLUMNS, bind_client};
use super::common::error::{fail, is_unique_violation};
use super::{Store, id};

/// The SQL of each migration, in the order of `migrations::MIGRATIONS`.
pub(crate) const MIGRATION_SQL: [&str; 12] = [
    include_str!("../../migrations/sqlite/0001_init.sql"),
    include_str!("../../migrations/sqlite/0002_users.sql"),
    include_str!("../../migrations/sqlite/0003_second_factor.sql"),
    include_str!("../../migrations/sqlite/0004_revoked_sessions.sql"),
    include_str!("../../migrations/sqlite/0005_message_logs.sql"),
    include_str!("../../migrations/sqlite/0006_billing_and_requirements.sql"),
    include_str!("../../migrations/sqlite/0007_documents.sql"),
    include_str!("../../migrations/sqlite/0008_epc_exemptions.sql"),
    include_str!("../../migrations/sqlite/0009_evidence_version.sql"),
    include_str!("../../migrations/sqlite/0010_jobs.sql"),
    include_str!("../../migrations/sqlite/0011_figures.sql"),
    include_str!("../../migrations/sqlite/0012_stored_portfolios.sql"),
];

pub(crate) async fn create_client(
    store: &Store,
    client: &Client,
    properties: &[Property],
    audit_entry: &NewAuditEntry,
) -> Result<(), CreateClientError> {
    const OP: &str = "create_client";
    let mut tx = store.begin_write(OP).await?;
    let sql = format!(
        "INSERT INTO clients ({CLIENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    );
    let inserted = bind_client(sqlx::query(sqlx::AssertSqlSafe(sql)), client)
        .execute(&mut *tx)
        .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => return Err(CreateClientError::DuplicateEmail),
        other => other.map_err(fail(OP))?,
    };
    for property in properties {
        let p = &property.details;
        let sql = format!(
            "INSERT INTO properties ({PROPERTY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id(property.id.as_uuid()))
            .bind(id(property.client_id.as_uuid()))
            .bind(p.address_line_1.as_str())
            .bind(p.address_line_2.as_ref().map(BoundedText::as_str))
            .bind(p.city.as_str())
            .bind(p.postcode.as_str())
            .bind(p.nation.as_str())
            .bind(p.has_gas_supply)
            .bind(p.is_hmo)
            .bind(p.has_communal_areas)
            .bind(p.tenancy_start_date)
            .bind(property.created_at)
            .execute(&mut *tx)
            .await
            .map_err(fail(OP))?;
    }
    audit::insert(&mut tx, audit_entry).await?;
    tx.commit().await.map_err(fail(OP))?;
    Ok(())
}

/// Seals up to `max` entries under `BEGIN IMMEDIATE`, which also keeps sealers of other
/// processes out until it commits.
pub(crate) async fn seal_pending(store: &Store, max: u32) -> Result<u32, StoreError> {
    const OP: &str = "seal_pending";
    let mut tx = store.begin_write(OP).await?;
    let pending = audit::unsealed(&mut tx, max).await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let head = audit::head(&mut tx).await?;
    let (seals, new_head) = domain::link(head, pending.iter().map(|(_, stored)| &stored.entry));
    for ((pos, _), seal) in pending.iter().zip(&seals) {
        sqlx::query("UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE pos = $4")
            .bind(seal.seq)
            .bind(seal.prev_hash.map(|p| p.0.to_vec()))
            .bind(seal.hash.0.to_vec())
            .bind(pos)
            .execute(&mut *tx)
            .await
            .map_err(fail(OP))?;
    }
    if let Some(head) = new_head {
        audit::move_head(&mut tx, head).await?;
    }
    tx.commit().await.map_err(fail(OP))?;
    Ok(u32::try_from(seals.len()).unwrap_or(u32::MAX))
}
