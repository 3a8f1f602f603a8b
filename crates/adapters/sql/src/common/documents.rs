//! Evidence documents: written with the property's evidence version moved on (a compare and set,
//! so a change computed from a stale snapshot is refused), and within the client's quota.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    ClientId, ConfirmedFacts, DisplayName, Document, DocumentId, PropertyId, Review, StatedFacts, StoredFile, UserId,
};
use ports::{
    DocumentRepository, EvidenceWrite, PropertyEvidence, ReviewError, StoreError, StoredPortfolio, WriteEvidenceError,
};
use uuid::Uuid;

use super::error::{col, corrupt, fail, parsed, parsed_opt};
use super::{Conn, Row, Store, audit, id, opt_uuid, snapshots, stored_portfolios, uuid};

pub(crate) const COLUMNS: &str = "id, client_id, property_id, status, storage_key, file_type, display_name, size_bytes, sha256, \
     stated_requirement, stated_issue_date, stated_expiry_date, stated_epc_rating, confirmed_requirement, \
     confirmed_issue_date, confirmed_expiry_date, confirmed_epc_rating, rejection_reason, uploaded_by, reviewed_by, \
     reviewed_at, created_at, confirmed_exemption_expiry_date";

#[async_trait]
impl DocumentRepository for Store {
    async fn property_evidence(&self, property: PropertyId) -> Result<PropertyEvidence, StoreError> {
        const OP: &str = "property_evidence";
        let mut conn = self.reader().acquire().await.map_err(fail(OP))?;
        let version: Option<i64> = sqlx::query_scalar("SELECT evidence_version FROM properties WHERE id = $1")
            .bind(id(property.as_uuid()))
            .fetch_optional(&mut *conn)
            .await
            .map_err(fail(OP))?;
        // Read after the version: a write in between only makes the version stale, never hides.
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM documents WHERE property_id = $1 ORDER BY created_at, id"
        ));
        let rows = sqlx::query(sql)
            .bind(id(property.as_uuid()))
            .fetch_all(&mut *conn)
            .await
            .map_err(fail(OP))?;
        Ok(PropertyEvidence {
            version: version.unwrap_or_default(),
            documents: rows.iter().map(document_from_row).collect::<Result<_, _>>()?,
            snapshots: snapshots::snapshots_of(&mut conn, property).await?,
        })
    }

    async fn create_document(
        &self,
        d: &Document,
        write: &EvidenceWrite,
        storage_quota: u64,
    ) -> Result<(), WriteEvidenceError> {
        const OP: &str = "create_document";
        let mut tx = self.begin_write(OP).await?;
        // The client's row first (before the property's, as everywhere), its evidence version
        // moved on: racing uploads of one client then count its quota in turn. (On SQLite the
        // write lock already does.)
        move_client_on(&mut tx, "id = $1", d.client_id.as_uuid(), OP).await?;
        let moved = sqlx::query(
            "UPDATE properties SET evidence_version = evidence_version + 1 \
             WHERE id = $1 AND client_id = $2 AND evidence_version = $3",
        )
        .bind(id(d.property_id.as_uuid()))
        .bind(id(d.client_id.as_uuid()))
        .bind(write.version)
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        if moved.rows_affected() == 0 {
            return Err(conflict_or_stray(&mut tx, d).await);
        }
        let used = used_by(&mut tx, d.client_id).await?;
        if used.saturating_add(d.file.size_bytes) > storage_quota {
            return Err(WriteEvidenceError::QuotaExceeded { used });
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO documents ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16, $17, $18, $19, $20, $21, $22, $23)"
        ));
        let confirmed = d.confirmed.as_ref();
        sqlx::query(sql)
            .bind(id(d.id.as_uuid()))
            .bind(id(d.client_id.as_uuid()))
            .bind(id(d.property_id.as_uuid()))
            .bind(d.status.as_str())
            .bind(&d.file.key)
            .bind(d.file.file_type.as_str())
            .bind(d.file.display_name.as_str())
            .bind(i64::try_from(d.file.size_bytes).map_err(|e| corrupt("size_bytes", e))?)
            .bind(d.file.sha256.to_vec())
            .bind(d.stated.requirement.map(|r| r.as_str()))
            .bind(d.stated.issue_date)
            .bind(d.stated.expiry_date)
            .bind(d.stated.epc_rating.map(|r| r.as_str()))
            .bind(confirmed.map(|c| c.requirement.as_str()))
            .bind(confirmed.map(|c| c.issue_date))
            .bind(confirmed.and_then(|c| c.expiry_date))
            .bind(confirmed.and_then(|c| c.epc_rating).map(|r| r.as_str()))
            .bind(&d.rejection_reason)
            .bind(d.uploaded_by.map(|u| id(u.as_uuid())))
            .bind(d.reviewed_by.map(|u| id(u.as_uuid())))
            .bind(d.reviewed_at)
            .bind(d.created_at)
            .bind(confirmed.and_then(|c| c.exemption_expiry_date))
            .execute(&mut *tx)
            .await
            .map_err(fail(OP))?;
        write_beside(&mut tx, d.client_id, write).await?;
        tx.commit().await.map_err(fail(OP))?;
        Ok(())
    }

    async fn storage_used(&self, client: ClientId) -> Result<u64, StoreError> {
        let mut conn = self.reader().acquire().await.map_err(fail("storage_used"))?;
        used_by(&mut conn, client).await
    }

    async fn get_document(&self, document: DocumentId) -> Result<Option<Document>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM documents WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id(document.as_uuid()))
            .fetch_optional(self.reader())
            .await
            .map_err(fail("get_document"))?;
        row.as_ref().map(document_from_row).transpose()
    }

    async fn list_documents(&self, client: ClientId) -> Result<Vec<Document>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM documents WHERE client_id = $1 ORDER BY created_at DESC, id DESC"
        ));
        let rows = sqlx::query(sql)
            .bind(id(client.as_uuid()))
            .fetch_all(self.reader())
            .await
            .map_err(fail("list_documents"))?;
        rows.iter().map(document_from_row).collect()
    }

    async fn review_document(
        &self,
        document: DocumentId,
        review: &Review,
        reviewer: UserId,
        now: DateTime<Utc>,
        write: &EvidenceWrite,
    ) -> Result<Document, ReviewError> {
        const OP: &str = "review_document";
        let mut tx = self.begin_write(OP).await?;
        let client = "id = (SELECT client_id FROM documents WHERE id = $1)";
        move_client_on(&mut tx, client, document.as_uuid(), OP).await?;
        let moved = sqlx::query(
            "UPDATE properties SET evidence_version = evidence_version + 1 \
             WHERE id = (SELECT property_id FROM documents WHERE id = $1) AND evidence_version = $2",
        )
        .bind(id(document.as_uuid()))
        .bind(write.version)
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        if moved.rows_affected() == 0 {
            drop(tx);
            return Err(match self.get_document(document).await? {
                None => ReviewError::NotFound,
                Some(d) if d.status != domain::DocumentStatus::Pending => ReviewError::NotPending,
                Some(_) => ReviewError::Conflict,
            });
        }
        let (status, confirmed, reason) = match review {
            Review::Verify(facts) => ("VERIFIED", Some(facts), None),
            Review::Reject { reason } => ("REJECTED", None, Some(reason.as_str())),
        };
        // The status condition makes a review happen once: of racing reviews, one updates a row.
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE documents SET status = $1, confirmed_requirement = $2, confirmed_issue_date = $3, \
             confirmed_expiry_date = $4, confirmed_epc_rating = $5, rejection_reason = $6, reviewed_by = $7, \
             reviewed_at = $8, confirmed_exemption_expiry_date = $10 WHERE id = $9 AND status = 'PENDING' \
             RETURNING {COLUMNS}"
        ));
        let row = sqlx::query(sql)
            .bind(status)
            .bind(confirmed.map(|c| c.requirement.as_str()))
            .bind(confirmed.map(|c| c.issue_date))
            .bind(confirmed.and_then(|c| c.expiry_date))
            .bind(confirmed.and_then(|c| c.epc_rating).map(|r| r.as_str()))
            .bind(reason)
            .bind(id(reviewer.as_uuid()))
            .bind(now)
            .bind(id(document.as_uuid()))
            .bind(confirmed.and_then(|c| c.exemption_expiry_date))
            .fetch_optional(&mut *tx)
            .await
            .map_err(fail(OP))?;
        let Some(row) = row else {
            drop(tx);
            return match self.get_document(document).await? {
                Some(_) => Err(ReviewError::NotPending),
                None => Err(ReviewError::NotFound),
            };
        };
        let reviewed = document_from_row(&row)?;
        write_beside(&mut tx, reviewed.client_id, write).await?;
        tx.commit().await.map_err(fail(OP))?;
        Ok(reviewed)
    }

    async fn store_portfolio(&self, client: ClientId, portfolio: &StoredPortfolio) -> Result<(), StoreError> {
        stored_portfolios::write(self, client, portfolio).await
    }
}

pub(crate) fn document_from_row(row: &Row) -> Result<Document, StoreError> {
    let sha: Vec<u8> = col(row, "sha256")?;
    let confirmed = match parsed_opt(row, "confirmed_requirement")? {
        Some(requirement) => Some(ConfirmedFacts {
            requirement,
            issue_date: col::<Option<_>>(row, "confirmed_issue_date")?
                .ok_or_else(|| corrupt("confirmed_issue_date", "missing for a verified document"))?,
            expiry_date: col(row, "confirmed_expiry_date")?,
            epc_rating: parsed_opt(row, "confirmed_epc_rating")?,
            exemption_expiry_date: col(row, "confirmed_exemption_expiry_date")?,
        }),
        None => None,
    };
    Ok(Document {
        id: DocumentId::from_uuid(uuid(row, "id")?),
        client_id: ClientId::from_uuid(uuid(row, "client_id")?),
        property_id: PropertyId::from_uuid(uuid(row, "property_id")?),
        status: parsed(row, "status")?,
        file: StoredFile {
            key: col(row, "storage_key")?,
            file_type: parsed(row, "file_type")?,
            size_bytes: u64::try_from(col::<i64>(row, "size_bytes")?).map_err(|e| corrupt("size_bytes", e))?,
            sha256: sha.try_into().map_err(|_| corrupt("sha256", "not 32 bytes"))?,
            display_name: DisplayName::from_client(&col::<String>(row, "display_name")?),
        },
        stated: StatedFacts {
            requirement: parsed_opt(row, "stated_requirement")?,
            issue_date: col(row, "stated_issue_date")?,
            expiry_date: col(row, "stated_expiry_date")?,
            epc_rating: parsed_opt(row, "stated_epc_rating")?,
        },
        confirmed,
        rejection_reason: col(row, "rejection_reason")?,
        uploaded_by: opt_uuid(row, "uploaded_by")?.map(UserId::from_uuid),
        reviewed_by: opt_uuid(row, "reviewed_by")?.map(UserId::from_uuid),
        reviewed_at: col(row, "reviewed_at")?,
        created_at: col(row, "created_at")?,
    })
}

/// Moves the evidence version of the client `which` selects (by `key`) on, which also locks its
/// row until the transaction ends.
async fn move_client_on(conn: &mut Conn, which: &str, key: Uuid, op: &'static str) -> Result<(), StoreError> {
    let sql = format!("UPDATE clients SET evidence_version = evidence_version + 1 WHERE {which}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(key))
        .execute(conn)
        .await
        .map_err(fail(op))?;
    Ok(())
}

/// The audit entries and snapshots that go with a document's change, in its transaction.
async fn write_beside(conn: &mut Conn, client: ClientId, write: &EvidenceWrite) -> Result<(), StoreError> {
    for entry in &write.audit {
        audit::insert(conn, entry).await?;
    }
    for snapshot in &write.snapshots {
        snapshots::upsert_snapshot(conn, client, snapshot).await?;
    }
    Ok(())
}

/// Why the version did not move: the evidence changed (a conflict), or the property is not the
/// document's client's (refused).
async fn conflict_or_stray(conn: &mut Conn, d: &Document) -> WriteEvidenceError {
    let owned = sqlx::query("SELECT 1 FROM properties WHERE id = $1 AND client_id = $2")
        .bind(id(d.property_id.as_uuid()))
        .bind(id(d.client_id.as_uuid()))
        .fetch_optional(conn)
        .await;
    match owned {
        Ok(Some(_)) => WriteEvidenceError::Conflict,
        Ok(None) => WriteEvidenceError::Store(StoreError::unexpected(
            "create_document",
            "the property is not the client's",
        )),
        Err(error) => WriteEvidenceError::Store(fail("create_document")(error)),
    }
}

/// The bytes a client's documents take.
async fn used_by(conn: &mut Conn, client: ClientId) -> Result<u64, StoreError> {
    let used: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM documents WHERE client_id = $1")
            .bind(id(client.as_uuid()))
            .fetch_one(conn)
            .await
            .map_err(fail("storage_used"))?;
    u64::try_from(used).map_err(|e| corrupt("size_bytes", e))
}
