//! Sessions ended before they expire, on SQLite.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{NewAuditEntry, UserId};
use ports::{SessionRepository, StoreError};
use uuid::Uuid;

use crate::error::store_error;
use crate::{SqliteStore, audit};

#[async_trait]
impl SessionRepository for SqliteStore {
    async fn revoke_session(
        &self,
        session_id: Uuid,
        user: UserId,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        audit_entry: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        // Revocations of sessions that have expired anyway protect nothing any more.
        sqlx::query("DELETE FROM revoked_sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        sqlx::query(
            "INSERT INTO revoked_sessions (session_id, user_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(session_id.to_string())
        .bind(user.to_string())
        .bind(expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn is_session_revoked(&self, session_id: Uuid) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM revoked_sessions WHERE session_id = $1")
            .bind(session_id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(found.is_some())
    }
}
