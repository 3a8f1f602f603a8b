//! Evidence documents on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    ClientId, ConfirmedFacts, DisplayName, Document, DocumentId, NewAuditEntry, PropertyId, Review, StatedFacts,
    StoredFile, UserId,
};
use ports::{DocumentRepository, PropertyEvidence, ReviewError, StoreError, WriteEvidenceError};
use sqlx::sqlite::SqliteRow;

use crate::error::{col, corrupt, parsed, store_error};
use crate::{SqliteStore, audit};

const COLUMNS: &str = "id, client_id, property_id, status, storage_key, file_type, display_name, size_bytes, sha256, \
     stated_requirement, stated_issue_date, stated_expiry_date, stated_epc_rating, confirmed_requirement, \
     confirmed_issue_date, confirmed_expiry_date, confirmed_epc_rating, rejection_reason, uploaded_by, reviewed_by, \
     reviewed_at, created_at, confirmed_exemption_expiry_date";

#[async_trait]
impl DocumentRepository for SqliteStore {
    async fn property_evidence(&self, property: PropertyId) -> Result<PropertyEvidence, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        let version: Option<i64> = sqlx::query_scalar("SELECT evidence_version FROM properties WHERE id = $1")
            .bind(property.to_string())
            .fetch_optional(&mut *conn)
            .await
            .map_err(store_error)?;
        // Read after the version: a write in between only makes the version stale, never hides.
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM documents WHERE property_id = $1 ORDER BY created_at, id"
        ));
        let rows = sqlx::query(sql)
            .bind(property.to_string())
            .fetch_all(&mut *conn)
            .await
            .map_err(store_error)?;
        Ok(PropertyEvidence {
            version: version.unwrap_or_default(),
            documents: rows.iter().map(document_from_row).collect::<Result<_, _>>()?,
        })
    }

    async fn create_document(
        &self,
        d: &Document,
        evidence_version: i64,
        entries: &[NewAuditEntry],
        storage_quota: u64,
    ) -> Result<(), WriteEvidenceError> {
        let mut tx = self.begin_write().await?;
        let moved = sqlx::query(
            "UPDATE properties SET evidence_version = evidence_version + 1 \
             WHERE id = $1 AND client_id = $2 AND evidence_version = $3",
        )
        .bind(d.property_id.to_string())
        .bind(d.client_id.to_string())
        .bind(evidence_version)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        if moved.rows_affected() == 0 {
            return Err(conflict_or_stray(&mut tx, d).await);
        }
        // The write lock is held: racing uploads count in turn.
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
            .bind(d.id.to_string())
            .bind(d.client_id.to_string())
            .bind(d.property_id.to_string())
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
            .bind(d.uploaded_by.map(|u| u.to_string()))
            .bind(d.reviewed_by.map(|u| u.to_string()))
            .bind(d.reviewed_at)
            .bind(d.created_at)
            .bind(confirmed.and_then(|c| c.exemption_expiry_date))
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        for entry in entries {
            audit::insert(&mut tx, entry).await?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(())
    }

    async fn storage_used(&self, client: ClientId) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(store_error)?;
        used_by(&mut conn, client).await
    }

    async fn get_document(&self, id: DocumentId) -> Result<Option<Document>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM documents WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.as_ref().map(document_from_row).transpose()
    }

    async fn list_documents(&self, client: ClientId) -> Result<Vec<Document>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM documents WHERE client_id = $1 ORDER BY created_at DESC, id DESC"
        ));
        let rows = sqlx::query(sql)
            .bind(client.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        rows.iter().map(document_from_row).collect()
    }

    async fn review_document(
        &self,
        id: DocumentId,
        review: &Review,
        reviewer: UserId,
        now: DateTime<Utc>,
        evidence_version: i64,
        entries: &[NewAuditEntry],
    ) -> Result<Document, ReviewError> {
        let mut tx = self.begin_write().await?;
        let moved = sqlx::query(
            "UPDATE properties SET evidence_version = evidence_version + 1 \
             WHERE id = (SELECT property_id FROM documents WHERE id = $1) AND evidence_version = $2",
        )
        .bind(id.to_string())
        .bind(evidence_version)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        if moved.rows_affected() == 0 {
            drop(tx);
            return Err(match self.get_document(id).await? {
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
            .bind(reviewer.to_string())
            .bind(now)
            .bind(id.to_string())
            .bind(confirmed.and_then(|c| c.exemption_expiry_date))
            .fetch_optional(&mut *tx)
            .await
            .map_err(store_error)?;
        let Some(row) = row else {
            drop(tx);
            return match self.get_document(id).await? {
                Some(_) => Err(ReviewError::NotPending),
                None => Err(ReviewError::NotFound),
            };
        };
        let document = document_from_row(&row)?;
        for entry in entries {
            audit::insert(&mut tx, entry).await?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(document)
    }
}

fn optional<T: std::str::FromStr>(row: &SqliteRow, name: &str) -> Result<Option<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    col::<Option<String>>(row, name)?
        .map(|v| v.parse().map_err(|e| corrupt(name, e)))
        .transpose()
}

fn document_from_row(row: &SqliteRow) -> Result<Document, StoreError> {
    let sha: Vec<u8> = col(row, "sha256")?;
    let confirmed = match optional(row, "confirmed_requirement")? {
        Some(requirement) => Some(ConfirmedFacts {
            requirement,
            issue_date: col::<Option<_>>(row, "confirmed_issue_date")?
                .ok_or_else(|| corrupt("confirmed_issue_date", "missing for a verified document"))?,
            expiry_date: col(row, "confirmed_expiry_date")?,
            epc_rating: optional(row, "confirmed_epc_rating")?,
            exemption_expiry_date: col(row, "confirmed_exemption_expiry_date")?,
        }),
        None => None,
    };
    Ok(Document {
        id: parsed(row, "id")?,
        client_id: parsed(row, "client_id")?,
        property_id: parsed(row, "property_id")?,
        status: parsed(row, "status")?,
        file: StoredFile {
            key: col(row, "storage_key")?,
            file_type: parsed(row, "file_type")?,
            size_bytes: u64::try_from(col::<i64>(row, "size_bytes")?).map_err(|e| corrupt("size_bytes", e))?,
            sha256: sha.try_into().map_err(|_| corrupt("sha256", "not 32 bytes"))?,
            display_name: DisplayName::from_client(&col::<String>(row, "display_name")?),
        },
        stated: StatedFacts {
            requirement: optional(row, "stated_requirement")?,
            issue_date: col(row, "stated_issue_date")?,
            expiry_date: col(row, "stated_expiry_date")?,
            epc_rating: optional(row, "stated_epc_rating")?,
        },
        confirmed,
        rejection_reason: col(row, "rejection_reason")?,
        uploaded_by: optional(row, "uploaded_by")?,
        reviewed_by: optional(row, "reviewed_by")?,
        reviewed_at: col(row, "reviewed_at")?,
        created_at: col(row, "created_at")?,
    })
}

/// Why the version did not move: the evidence changed (a conflict), or the property is not the
/// document's client's (refused).
async fn conflict_or_stray(conn: &mut sqlx::SqliteConnection, d: &Document) -> WriteEvidenceError {
    let owned = sqlx::query("SELECT 1 FROM properties WHERE id = $1 AND client_id = $2")
        .bind(d.property_id.to_string())
        .bind(d.client_id.to_string())
        .fetch_optional(conn)
        .await;
    match owned {
        Ok(Some(_)) => WriteEvidenceError::Conflict,
        Ok(None) => WriteEvidenceError::Store(StoreError::Unexpected("the property is not the client's".into())),
        Err(error) => WriteEvidenceError::Store(store_error(error)),
    }
}

/// The bytes a client's documents take.
async fn used_by(conn: &mut sqlx::SqliteConnection, client: ClientId) -> Result<u64, StoreError> {
    let used: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(size_bytes), 0) FROM documents WHERE client_id = $1")
        .bind(client.to_string())
        .fetch_one(conn)
        .await
        .map_err(store_error)?;
    u64::try_from(used).map_err(|e| corrupt("size_bytes", e))
}
