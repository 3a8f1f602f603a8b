//! The audit log: entries appended inside the caller's transaction, sealed afterwards in
//! batches (how, and under which lock, is each backend's own: `specific::seal_pending`), and
//! read back for verification. The linking rule is `domain::link`.

use async_trait::async_trait;
use domain::{Actor, AuditEntry, ChainHash, ChainHead, ClientId, NewAuditEntry, RequestId, Seal};
use ports::{AuditLog, StoreError};
use sqlx::query::Query;

use super::error::{col, corrupt, fail, parsed};
use super::{Conn, Db, Row, Store, id, opt_uuid, specific, uuid};

pub(crate) const ENTRY_COLUMNS: &str = "pos, id, occurred_at, action, actor_role, actor_id, client_id, \
     resource_type, resource_id, before_state, after_state, metadata, request_id, seq, prev_hash, hash";

/// The columns an entry is written to, in the order [`bind_entry`] binds them.
pub(crate) const INSERT_COLUMNS: &str = "id, occurred_at, action, actor_role, actor_id, client_id, resource_type, \
     resource_id, before_state, after_state, metadata, request_id";

type Arguments = <Db as sqlx::Database>::Arguments;

/// Binds the twelve values of [`INSERT_COLUMNS`] for `entry`, after whatever `query` has bound.
pub(crate) fn bind_entry<'q>(query: Query<'q, Db, Arguments>, entry: &'q NewAuditEntry) -> Query<'q, Db, Arguments> {
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(ToString::to_string);
    query
        .bind(id(entry.id))
        .bind(entry.occurred_at)
        .bind(entry.action.as_str())
        .bind(entry.actor.role.as_str())
        .bind(entry.actor.id.as_deref())
        .bind(entry.client_id.map(|c| id(c.as_uuid())))
        .bind(entry.resource_type.as_deref())
        .bind(entry.resource_id.as_deref())
        .bind(json(&entry.before))
        .bind(json(&entry.after))
        .bind(json(&entry.metadata))
        .bind(entry.request_id.as_ref().map(RequestId::as_str))
}

/// Writes `entry` on the caller's connection, so it commits or rolls back with the change.
pub(crate) async fn insert(conn: &mut Conn, entry: &NewAuditEntry) -> Result<(), StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO audit_log ({INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ));
    bind_entry(sqlx::query(sql), entry)
        .execute(conn)
        .await
        .map_err(fail("append_audit_entry"))?;
    Ok(())
}

/// The chain head, read on `conn`.
pub(crate) async fn head(conn: &mut Conn) -> Result<Option<ChainHead>, StoreError> {
    let row = sqlx::query("SELECT seq, hash FROM audit_chain_head WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map_err(fail("chain_head"))?;
    row.map(|row| {
        let hash: Vec<u8> = col(&row, "hash")?;
        Ok(ChainHead {
            seq: col(&row, "seq")?,
            hash: ChainHash::from_slice(&hash).map_err(|e| corrupt("hash", e))?,
        })
    })
    .transpose()
}

/// Moves the chain head to `head`, on the sealer's transaction.
pub(crate) async fn move_head(conn: &mut Conn, head: ChainHead) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
    )
    .bind(head.seq)
    .bind(head.hash.0.to_vec())
    .execute(conn)
    .await
    .map_err(fail("seal_pending"))?;
    Ok(())
}

/// Up to `max` unsealed entries in commit order, each with its `pos`, read on the sealer's
/// transaction.
pub(crate) async fn unsealed(conn: &mut Conn, max: u32) -> Result<Vec<(i64, AuditEntry)>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq IS NULL ORDER BY pos LIMIT $1"
    ));
    let rows = sqlx::query(sql)
        .bind(i64::from(max))
        .fetch_all(conn)
        .await
        .map_err(fail("seal_pending"))?;
    rows.iter()
        .map(|row| Ok((col(row, "pos")?, entry_from_row(row)?)))
        .collect()
}

#[async_trait]
impl AuditLog for Store {
    async fn append(&self, entry: &NewAuditEntry) -> Result<(), StoreError> {
        const OP: &str = "append_audit_entry";
        let mut tx = self.begin_write(OP).await?;
        insert(&mut tx, entry).await?;
        tx.commit().await.map_err(fail(OP))
    }

    async fn seal_pending(&self, max: u32) -> Result<u32, StoreError> {
        specific::seal_pending(self, max).await
    }

    async fn sealed_entries(&self, after_seq: i64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ));
        let rows = sqlx::query(sql)
            .bind(after_seq)
            .bind(i64::from(limit))
            .fetch_all(self.reader())
            .await
            .map_err(fail("sealed_entries"))?;
        rows.iter().map(entry_from_row).collect()
    }

    async fn chain_head(&self) -> Result<Option<ChainHead>, StoreError> {
        let mut conn = self.reader().acquire().await.map_err(fail("chain_head"))?;
        head(&mut conn).await
    }

    async fn unsealed_count(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL")
            .fetch_one(self.reader())
            .await
            .map_err(fail("unsealed_count"))?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    async fn entries_for_client(&self, client: ClientId, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE client_id = $1 ORDER BY pos DESC LIMIT $2"
        ));
        let rows = sqlx::query(sql)
            .bind(id(client.as_uuid()))
            .bind(i64::from(limit))
            .fetch_all(self.reader())
            .await
            .map_err(fail("entries_for_client"))?;
        rows.iter().map(entry_from_row).collect()
    }
}

fn json(row: &Row, name: &str) -> Result<Option<serde_json::Value>, StoreError> {
    col::<Option<String>>(row, name)?
        .map(|text| serde_json::from_str(&text).map_err(|e| corrupt(name, e)))
        .transpose()
}

fn hash(row: &Row, name: &str) -> Result<Option<ChainHash>, StoreError> {
    col::<Option<Vec<u8>>>(row, name)?
        .map(|bytes| ChainHash::from_slice(&bytes).map_err(|e| corrupt(name, e)))
        .transpose()
}

pub(crate) fn entry_from_row(row: &Row) -> Result<AuditEntry, StoreError> {
    let entry = NewAuditEntry {
        id: uuid(row, "id")?,
        occurred_at: col(row, "occurred_at")?,
        action: parsed(row, "action")?,
        actor: Actor {
            role: parsed(row, "actor_role")?,
            id: col(row, "actor_id")?,
        },
        client_id: opt_uuid(row, "client_id")?.map(ClientId::from_uuid),
        resource_type: col(row, "resource_type")?,
        resource_id: col(row, "resource_id")?,
        before: json(row, "before_state")?,
        after: json(row, "after_state")?,
        metadata: json(row, "metadata")?,
        request_id: col::<Option<String>>(row, "request_id")?
            .map(|id| RequestId::parse(&id).ok_or_else(|| corrupt("request_id", "not a request id")))
            .transpose()?,
    };
    let seal = match (col::<Option<i64>>(row, "seq")?, hash(row, "hash")?) {
        (Some(seq), Some(hash_value)) => Some(Seal {
            seq,
            prev_hash: hash(row, "prev_hash")?,
            hash: hash_value,
        }),
        _ => None,
    };
    Ok(AuditEntry { entry, seal })
}
