//! Sessions ended before they expire.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{NewAuditEntry, UserId};
use ports::{SessionRepository, StoreError};
use uuid::Uuid;

use super::error::fail;
use super::{Store, audit, id};

#[async_trait]
impl SessionRepository for Store {
    async fn revoke_session(
        &self,
        session_id: Uuid,
        user: UserId,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        audit_entry: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        const OP: &str = "revoke_session";
        let mut tx = self.begin_write(OP).await?;
        // Revocations of sessions that have expired anyway protect nothing any more.
        sqlx::query("DELETE FROM revoked_sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(fail(OP))?;
        sqlx::query(
            "INSERT INTO revoked_sessions (session_id, user_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(id(session_id))
        .bind(id(user.as_uuid()))
        .bind(expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(fail(OP))
    }

    async fn is_session_revoked(&self, session_id: Uuid) -> Result<bool, StoreError> {
        let found = sqlx::query("SELECT 1 FROM revoked_sessions WHERE session_id = $1")
            .bind(id(session_id))
            .fetch_optional(self.reader())
            .await
            .map_err(fail("is_session_revoked"))?;
        Ok(found.is_some())
    }
}
