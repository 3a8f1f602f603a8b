//! What only PostgreSQL does: an intake in one statement (one round trip instead of five, still
//! one transaction), and sealing under an advisory lock with one `UPDATE … FROM UNNEST` a batch,
//! so sealers on several instances take turns and requests never wait for them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{Client, NewAuditEntry, Property};
use ports::{CreateClientError, StoreError};
use uuid::Uuid;

use super::Store;
use super::common::audit;
use super::common::clients::{CLIENT_COLUMNS, PROPERTY_COLUMNS, bind_client};
use super::common::error::{fail, is_unique_violation};

/// The advisory lock key that serialises sealers ("audit" in ASCII).
const SEALER_LOCK: i64 = 0x61_75_64_69_74;

/// The SQL of each migration, in the order of `migrations::MIGRATIONS`.
pub(crate) const MIGRATION_SQL: [&str; 12] = [
    include_str!("../../migrations/postgres/0001_init.sql"),
    include_str!("../../migrations/postgres/0002_users.sql"),
    include_str!("../../migrations/postgres/0003_second_factor.sql"),
    include_str!("../../migrations/postgres/0004_revoked_sessions.sql"),
    include_str!("../../migrations/postgres/0005_message_logs.sql"),
    include_str!("../../migrations/postgres/0006_billing_and_requirements.sql"),
    include_str!("../../migrations/postgres/0007_documents.sql"),
    include_str!("../../migrations/postgres/0008_epc_exemptions.sql"),
    include_str!("../../migrations/postgres/0009_evidence_version.sql"),
    include_str!("../../migrations/postgres/0010_jobs.sql"),
    include_str!("../../migrations/postgres/0011_figures.sql"),
    include_str!("../../migrations/postgres/0012_stored_portfolios.sql"),
];

pub(crate) async fn create_client(
    store: &Store,
    client: &Client,
    properties: &[Property],
    audit_entry: &NewAuditEntry,
) -> Result<(), CreateClientError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "WITH new_client AS (\
           INSERT INTO clients ({CLIENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)), \
         new_properties AS (\
           INSERT INTO properties ({PROPERTY_COLUMNS}) \
           SELECT * FROM UNNEST($14::uuid[], $15::uuid[], $16::text[], $17::text[], $18::text[], $19::text[], \
           $20::text[], $21::bool[], $22::bool[], $23::bool[], $24::date[], $25::timestamptz[])) \
         INSERT INTO audit_log ({}) VALUES ($26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37)",
        audit::INSERT_COLUMNS
    ));
    let columns = PropertyColumns::of(properties);
    let query = bind_client(sqlx::query(sql), client)
        .bind(columns.id)
        .bind(columns.client_id)
        .bind(columns.address_line_1)
        .bind(columns.address_line_2)
        .bind(columns.city)
        .bind(columns.postcode)
        .bind(columns.nation)
        .bind(columns.has_gas_supply)
        .bind(columns.is_hmo)
        .bind(columns.has_communal_areas)
        .bind(columns.tenancy_start_date)
        .bind(columns.created_at);
    match audit::bind_entry(query, audit_entry).execute(store.writer()).await {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(CreateClientError::DuplicateEmail),
        Err(e) => Err(fail("create_client")(e).into()),
    }
}

/// Properties column by column, for one `INSERT ... SELECT FROM UNNEST`.
#[derive(Default)]
struct PropertyColumns {
    id: Vec<Uuid>,
    client_id: Vec<Uuid>,
    address_line_1: Vec<String>,
    address_line_2: Vec<Option<String>>,
    city: Vec<String>,
    postcode: Vec<String>,
    nation: Vec<&'static str>,
    has_gas_supply: Vec<bool>,
    is_hmo: Vec<bool>,
    has_communal_areas: Vec<bool>,
    tenancy_start_date: Vec<Option<NaiveDate>>,
    created_at: Vec<DateTime<Utc>>,
}

impl PropertyColumns {
    fn of(properties: &[Property]) -> Self {
        let mut columns = Self::default();
        for property in properties {
            let p = &property.details;
            columns.id.push(property.id.as_uuid());
            columns.client_id.push(property.client_id.as_uuid());
            columns.address_line_1.push(p.address_line_1.to_string());
            columns
                .address_line_2
                .push(p.address_line_2.as_ref().map(ToString::to_string));
            columns.city.push(p.city.to_string());
            columns.postcode.push(p.postcode.to_string());
            columns.nation.push(p.nation.as_str());
            columns.has_gas_supply.push(p.has_gas_supply);
            columns.is_hmo.push(p.is_hmo);
            columns.has_communal_areas.push(p.has_communal_areas);
            columns.tenancy_start_date.push(p.tenancy_start_date);
            columns.created_at.push(property.created_at);
        }
        columns
    }
}

/// Seals up to `max` entries under the sealers' advisory lock, in one `UPDATE … FROM UNNEST`.
pub(crate) async fn seal_pending(store: &Store, max: u32) -> Result<u32, StoreError> {
    const OP: &str = "seal_pending";
    let mut tx = store.begin_write(OP).await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(SEALER_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
    let pending = audit::unsealed(&mut tx, max).await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let head = audit::head(&mut tx).await?;
    let (seals, new_head) = domain::link(head, pending.iter().map(|(_, stored)| &stored.entry));
    let positions: Vec<i64> = pending.iter().map(|(pos, _)| *pos).collect();
    let seqs: Vec<i64> = seals.iter().map(|s| s.seq).collect();
    // An empty array element stands for "no previous entry" (the first link).
    let prevs: Vec<Vec<u8>> = seals
        .iter()
        .map(|s| s.prev_hash.map(|p| p.0.to_vec()).unwrap_or_default())
        .collect();
    let hashes: Vec<Vec<u8>> = seals.iter().map(|s| s.hash.0.to_vec()).collect();
    sqlx::query(
        "UPDATE audit_log AS a SET seq = u.seq, prev_hash = NULLIF(u.prev_hash, ''::bytea), hash = u.hash \
         FROM UNNEST($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[]) AS u(pos, seq, prev_hash, hash) \
         WHERE a.pos = u.pos",
    )
    .bind(positions)
    .bind(seqs)
    .bind(prevs)
    .bind(hashes)
    .execute(&mut *tx)
    .await
    .map_err(fail(OP))?;
    if let Some(head) = new_head {
        audit::move_head(&mut tx, head).await?;
    }
    tx.commit().await.map_err(fail(OP))?;
    Ok(u32::try_from(seals.len()).unwrap_or(u32::MAX))
}
