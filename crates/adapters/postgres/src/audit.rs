//! The audit log on PostgreSQL: append inside the caller's transaction; seal in batches under an
//! advisory lock, so sealers on several instances take turns and requests never wait for them.

use async_trait::async_trait;
use domain::{Actor, AuditEntry, ChainHash, ClientId, NewAuditEntry, RequestId, Seal};
use ports::{AuditLog, ChainHead, StoreError};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{PgConnection, Postgres, Row};

use crate::PgStore;
use crate::error::{corrupt, store_error};

const ENTRY_COLUMNS: &str = "pos, id, occurred_at, action, actor_role, actor_id, client_id, resource_type, resource_id, \
     before_state, after_state, metadata, request_id, seq, prev_hash, hash";

/// The advisory lock key that serialises sealers ("audit" in ASCII).
const SEALER_LOCK: i64 = 0x61_75_64_69_74;

/// The columns an entry is written to, in the order [`bind_entry`] binds them.
pub(crate) const INSERT_COLUMNS: &str = "id, occurred_at, action, actor_role, actor_id, client_id, resource_type, \
     resource_id, before_state, after_state, metadata, request_id";

/// Binds the twelve values of [`INSERT_COLUMNS`] for `entry`, after whatever `query` has bound.
pub(crate) fn bind_entry<'q>(
    query: Query<'q, Postgres, PgArguments>,
    entry: &'q NewAuditEntry,
) -> Query<'q, Postgres, PgArguments> {
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(ToString::to_string);
    query
        .bind(entry.id)
        .bind(entry.occurred_at)
        .bind(entry.action.as_str())
        .bind(entry.actor.role.as_str())
        .bind(entry.actor.id.as_deref())
        .bind(entry.client_id.map(|c| c.as_uuid()))
        .bind(entry.resource_type.as_deref())
        .bind(entry.resource_id.as_deref())
        .bind(json(&entry.before))
        .bind(json(&entry.after))
        .bind(json(&entry.metadata))
        .bind(entry.request_id.as_ref().map(RequestId::as_str))
}

/// Writes `entry` on the caller's connection, so it commits or rolls back with the change.
pub(crate) async fn insert(conn: &mut PgConnection, entry: &NewAuditEntry) -> Result<(), StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO audit_log ({INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ));
    bind_entry(sqlx::query(sql), entry)
        .execute(conn)
        .await
        .map_err(store_error)?;
    Ok(())
}

async fn head(conn: &mut PgConnection) -> Result<Option<ChainHead>, StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_chain_head WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map_err(store_error)?;
    row.map(|row| {
        let hash: Vec<u8> = row.try_get("hash").map_err(|e| corrupt("hash", e))?;
        Ok(ChainHead {
            seq: row.try_get("seq").map_err(|e| corrupt("seq", e))?,
            hash: ChainHash::from_slice(&hash).map_err(|e| corrupt("hash", e))?,
        })
    })
    .transpose()
}

#[async_trait]
impl AuditLog for PgStore {
    async fn append(&self, entry: &NewAuditEntry) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        insert(&mut conn, entry).await
    }

    async fn seal_pending(&self, max: u32) -> Result<u32, StoreError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(SEALER_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq IS NULL ORDER BY pos LIMIT $1"
        ));
        let rows = sqlx::query(sql)
            .bind(i64::from(max))
            .fetch_all(&mut *tx)
            .await
            .map_err(store_error)?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut last = head(&mut tx).await?;
        let (mut positions, mut seqs, mut prevs, mut hashes) = (vec![], vec![], vec![], vec![]);
        for row in &rows {
            let stored = entry_from_row(row)?;
            let seq = last.as_ref().map_or(1, |h| h.seq + 1);
            let prev = last.as_ref().map(|h| h.hash);
            let hash = stored.entry.chain_hash(seq, prev.as_ref());
            positions.push(row.try_get::<i64, _>("pos").map_err(|e| corrupt("pos", e))?);
            seqs.push(seq);
            // An empty array element stands for "no previous entry" (the first link).
            prevs.push(prev.map(|p| p.0.to_vec()).unwrap_or_default());
            hashes.push(hash.0.to_vec());
            last = Some(ChainHead { seq, hash });
        }
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
        .map_err(store_error)?;
        if let Some(head) = last {
            sqlx::query(
                "INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, $1, $2) \
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            )
            .bind(head.seq)
            .bind(head.hash.0.to_vec())
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(u32::try_from(rows.len()).unwrap_or(u32::MAX))
    }

    async fn sealed_entries(&self, after_seq: i64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ));
        let rows = sqlx::query(sql)
            .bind(after_seq)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        rows.iter().map(entry_from_row).collect()
    }

    async fn chain_head(&self) -> Result<Option<ChainHead>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        head(&mut conn).await
    }

    async fn unsealed_count(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL")
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    async fn entries_for_client(&self, client: ClientId, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE client_id = $1 ORDER BY pos DESC LIMIT $2"
        ));
        let rows = sqlx::query(sql)
            .bind(client.as_uuid())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        rows.iter().map(entry_from_row).collect()
    }
}

fn entry_from_row(row: &PgRow) -> Result<AuditEntry, StoreError> {
    fn col<'r, T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
        row: &'r PgRow,
        name: &str,
    ) -> Result<T, StoreError> {
        row.try_get(name).map_err(|e| corrupt(name, e))
    }
    fn json(row: &PgRow, name: &str) -> Result<Option<serde_json::Value>, StoreError> {
        col::<Option<String>>(row, name)?
            .map(|text| serde_json::from_str(&text).map_err(|e| corrupt(name, e)))
            .transpose()
    }
    fn hash_col(row: &PgRow, name: &str) -> Result<Option<ChainHash>, StoreError> {
        col::<Option<Vec<u8>>>(row, name)?
            .map(|bytes| ChainHash::from_slice(&bytes).map_err(|e| corrupt(name, e)))
            .transpose()
    }
    let parse_col = |name: &str| -> Result<String, StoreError> { col::<String>(row, name) };
    let entry = NewAuditEntry {
        id: col(row, "id")?,
        occurred_at: col(row, "occurred_at")?,
        action: parse_col("action")?.parse().map_err(|e| corrupt("action", e))?,
        actor: Actor {
            role: parse_col("actor_role")?.parse().map_err(|e| corrupt("actor_role", e))?,
            id: col(row, "actor_id")?,
        },
        client_id: col::<Option<uuid::Uuid>>(row, "client_id")?.map(ClientId::from_uuid),
        resource_type: col(row, "resource_type")?,
        resource_id: col(row, "resource_id")?,
        before: json(row, "before_state")?,
        after: json(row, "after_state")?,
        metadata: json(row, "metadata")?,
        request_id: col::<Option<String>>(row, "request_id")?
            .map(|id| RequestId::parse(&id).ok_or_else(|| corrupt("request_id", "not a request id")))
            .transpose()?,
    };
    let seal = match (col::<Option<i64>>(row, "seq")?, hash_col(row, "hash")?) {
        (Some(seq), Some(hash)) => Some(Seal {
            seq,
            prev_hash: hash_col(row, "prev_hash")?,
            hash,
        }),
        _ => None,
    };
    Ok(AuditEntry { entry, seal })
}
