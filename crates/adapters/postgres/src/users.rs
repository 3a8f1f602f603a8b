//! Portal users and password tokens on PostgreSQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    ClientId, Email, NewAuditEntry, OutgoingEmail, PasswordToken, PortalUser, StoredPasswordHash, UserId, UserStatus,
};
use ports::{CreateUserError, PasswordTokenRepository, StatusChange, StoreError, UseTokenError, UserRepository};
use sqlx::PgConnection;
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use crate::error::{col, corrupt, is_unique_violation, parsed, store_error};
use crate::{PgStore, audit, messages};

const USER_COLUMNS: &str =
    "id, email, role, client_id, status, password_status, password_hash, sessions_valid_after, created_at, updated_at";
const TOKEN_COLUMNS: &str = "id, user_id, kind, token_hash, created_at, expires_at, used_at, revoked_at";

#[async_trait]
impl UserRepository for PgStore {
    async fn create_user(&self, user: &PortalUser, audit_entry: &NewAuditEntry) -> Result<(), CreateUserError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let inserted = insert_user(&mut tx, user, false).await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(CreateUserError::DuplicateEmail),
            other => other.map_err(store_error)?,
        };
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(())
    }

    async fn get_user(&self, id: UserId) -> Result<Option<PortalUser>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM portal_users WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<PortalUser>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM portal_users WHERE email = $1"));
        let row = sqlx::query(sql)
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn set_user_status(
        &self,
        id: UserId,
        status: UserStatus,
        now: DateTime<Utc>,
        audit_entry: &NewAuditEntry,
    ) -> Result<StatusChange, StoreError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        if status == UserStatus::Disabled {
            // Locks every active admin's row (PostgreSQL: FOR UPDATE; two admins disabling each other take turns).
            let admins: Vec<Uuid> =
                sqlx::query_scalar("SELECT id FROM portal_users WHERE role = 'ADMIN' AND status = 'ACTIVE' FOR UPDATE")
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(store_error)?;
            if admins.len() == 1 && admins.contains(&id.as_uuid()) {
                return Ok(StatusChange::LastActiveAdmin);
            }
        }
        let updated = sqlx::query(
            "UPDATE portal_users SET status = $1, updated_at = $2, \
             sessions_valid_after = CASE WHEN $1::text = 'DISABLED' THEN $2 ELSE sessions_valid_after END WHERE id = $3",
        )
        .bind(status.as_str())
        .bind(now)
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        if updated.rows_affected() == 0 {
            return Ok(StatusChange::UnknownUser);
        }
        if status == UserStatus::Disabled {
            sqlx::query(
                "UPDATE password_tokens SET revoked_at = $1 WHERE user_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        }
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(StatusChange::Changed)
    }
}

#[async_trait]
impl PasswordTokenRepository for PgStore {
    async fn issue_password_token(&self, token: &PasswordToken) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        sqlx::query(
            "UPDATE password_tokens SET revoked_at = $1 \
             WHERE user_id = $2 AND kind = $3 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(token.created_at)
        .bind(token.user_id.as_uuid())
        .bind(token.kind.as_str())
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        insert_token(&mut tx, token).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn find_password_token(&self, token_hash: &[u8; 32]) -> Result<Option<PasswordToken>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM password_tokens WHERE token_hash = $1"
        ));
        let row = sqlx::query(sql)
            .bind(token_hash.to_vec())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn set_password_with_token(
        &self,
        token_id: Uuid,
        password_hash: &StoredPasswordHash,
        now: DateTime<Utc>,
        notice: &OutgoingEmail,
        audit_entry: &NewAuditEntry,
    ) -> Result<(), UseTokenError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // The conditions make the token single-use: of racing calls, one updates a row.
        let used = sqlx::query(
            "UPDATE password_tokens SET used_at = $1 \
             WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(now)
        .bind(token_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?;
        let Some(row) = used else {
            return Err(UseTokenError::Invalid);
        };
        let user_id: Uuid = row.try_get("user_id").map_err(|e| corrupt("user_id", e))?;
        sqlx::query(
            "UPDATE portal_users SET password_hash = $1, password_status = 'SET', sessions_valid_after = $2, \
             updated_at = $2, status = CASE WHEN status = 'INVITED' THEN 'ACTIVE' ELSE status END WHERE id = $3",
        )
        .bind(password_hash.as_str())
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        messages::queue(&mut tx, notice).await?;
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(())
    }
}

/// Inserts `user`; with `skip_existing_email`, a user whose email exists is skipped (0 rows).
pub(crate) async fn insert_user(
    conn: &mut PgConnection,
    user: &PortalUser,
    skip_existing_email: bool,
) -> Result<u64, sqlx::Error> {
    let conflict = if skip_existing_email {
        " ON CONFLICT (email) DO NOTHING"
    } else {
        ""
    };
    let sql = format!(
        "INSERT INTO portal_users (id, email, role, client_id, status, password_status, password_hash, \
         sessions_valid_after, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10){conflict}"
    );
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.id.as_uuid())
        .bind(user.email.as_str())
        .bind(user.role.as_str())
        .bind(user.client_id.map(|c| c.as_uuid()))
        .bind(user.status.as_str())
        .bind(user.password_status.as_str())
        .bind(user.password_hash.as_ref().map(StoredPasswordHash::as_str))
        .bind(user.sessions_valid_after)
        .bind(user.created_at)
        .bind(user.updated_at)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub(crate) async fn insert_token(conn: &mut PgConnection, token: &PasswordToken) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO password_tokens (id, user_id, kind, token_hash, created_at, expires_at, used_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token.id)
    .bind(token.user_id.as_uuid())
    .bind(token.kind.as_str())
    .bind(token.token_hash.to_vec())
    .bind(token.created_at)
    .bind(token.expires_at)
    .bind(token.used_at)
    .bind(token.revoked_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

fn user_from_row(row: &PgRow) -> Result<PortalUser, StoreError> {
    Ok(PortalUser {
        id: UserId::from_uuid(col(row, "id")?),
        email: Email::parse(&col::<String>(row, "email")?).map_err(|e| corrupt("email", e))?,
        role: parsed(row, "role")?,
        client_id: col::<Option<Uuid>>(row, "client_id")?.map(ClientId::from_uuid),
        status: parsed(row, "status")?,
        password_status: parsed(row, "password_status")?,
        password_hash: col::<Option<String>>(row, "password_hash")?.map(StoredPasswordHash::new),
        sessions_valid_after: col(row, "sessions_valid_after")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
    })
}

fn token_from_row(row: &PgRow) -> Result<PasswordToken, StoreError> {
    let hash: Vec<u8> = col(row, "token_hash")?;
    Ok(PasswordToken {
        id: col(row, "id")?,
        user_id: UserId::from_uuid(col(row, "user_id")?),
        kind: parsed(row, "kind")?,
        token_hash: hash.try_into().map_err(|_| corrupt("token_hash", "not 32 bytes"))?,
        created_at: col(row, "created_at")?,
        expires_at: col(row, "expires_at")?,
        used_at: col(row, "used_at")?,
        revoked_at: col(row, "revoked_at")?,
    })
}
