//! Portal users and password tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Email, NewAuditEntry, OutgoingEmail, PasswordToken, PortalUser, StoredPasswordHash, UserId, UserStatus};
use ports::{CreateUserError, PasswordTokenRepository, StatusChange, StoreError, UseTokenError, UserRepository};
use uuid::Uuid;

use super::error::{col, corrupt, fail, is_unique_violation, parsed};
use super::{Conn, FOR_UPDATE, Row, Store, audit, id, messages, opt_uuid, uuid};

pub(crate) const USER_COLUMNS: &str =
    "id, email, role, client_id, status, password_status, password_hash, sessions_valid_after, created_at, updated_at";
const TOKEN_COLUMNS: &str = "id, user_id, kind, token_hash, created_at, expires_at, used_at, revoked_at";

#[async_trait]
impl UserRepository for Store {
    async fn create_user(&self, user: &PortalUser, audit_entry: &NewAuditEntry) -> Result<(), CreateUserError> {
        const OP: &str = "create_user";
        let mut tx = self.begin_write(OP).await?;
        match insert_user(&mut tx, user, false).await {
            Err(e) if is_unique_violation(&e) => return Err(CreateUserError::DuplicateEmail),
            other => other.map_err(fail(OP))?,
        };
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(fail(OP))?;
        Ok(())
    }

    async fn get_user(&self, user: UserId) -> Result<Option<PortalUser>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM portal_users WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id(user.as_uuid()))
            .fetch_optional(self.reader())
            .await
            .map_err(fail("get_user"))?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn find_user_by_email(&self, email: &Email) -> Result<Option<PortalUser>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM portal_users WHERE email = $1"));
        let row = sqlx::query(sql)
            .bind(email.as_str())
            .fetch_optional(self.reader())
            .await
            .map_err(fail("find_user_by_email"))?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn set_user_status(
        &self,
        user: UserId,
        status: UserStatus,
        now: DateTime<Utc>,
        audit_entry: &NewAuditEntry,
    ) -> Result<StatusChange, StoreError> {
        const OP: &str = "set_user_status";
        let mut tx = self.begin_write(OP).await?;
        if status == UserStatus::Disabled {
            // The active admins' rows are locked (on SQLite the write lock already holds them),
            // so two admins disabling each other take turns and one of them stays.
            let sql = format!("SELECT id FROM portal_users WHERE role = 'ADMIN' AND status = 'ACTIVE'{FOR_UPDATE}");
            let admins = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut *tx)
                .await
                .map_err(fail(OP))?;
            let admins: Vec<Uuid> = admins.iter().map(|row| uuid(row, "id")).collect::<Result<_, _>>()?;
            if admins == [user.as_uuid()] {
                return Ok(StatusChange::LastActiveAdmin);
            }
        }
        let updated = sqlx::query(
            "UPDATE portal_users SET status = $1, updated_at = $2, \
             sessions_valid_after = CASE WHEN CAST($1 AS TEXT) = 'DISABLED' THEN $2 ELSE sessions_valid_after END \
             WHERE id = $3",
        )
        .bind(status.as_str())
        .bind(now)
        .bind(id(user.as_uuid()))
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        if updated.rows_affected() == 0 {
            return Ok(StatusChange::UnknownUser);
        }
        if status == UserStatus::Disabled {
            sqlx::query(
                "UPDATE password_tokens SET revoked_at = $1 WHERE user_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(id(user.as_uuid()))
            .execute(&mut *tx)
            .await
            .map_err(fail(OP))?;
        }
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(fail(OP))?;
        Ok(StatusChange::Changed)
    }
}

#[async_trait]
impl PasswordTokenRepository for Store {
    async fn issue_password_token(&self, token: &PasswordToken) -> Result<(), StoreError> {
        const OP: &str = "issue_password_token";
        let mut tx = self.begin_write(OP).await?;
        sqlx::query(
            "UPDATE password_tokens SET revoked_at = $1 \
             WHERE user_id = $2 AND kind = $3 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(token.created_at)
        .bind(id(token.user_id.as_uuid()))
        .bind(token.kind.as_str())
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        insert_token(&mut tx, token).await?;
        tx.commit().await.map_err(fail(OP))
    }

    async fn find_password_token(&self, token_hash: &[u8; 32]) -> Result<Option<PasswordToken>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TOKEN_COLUMNS} FROM password_tokens WHERE token_hash = $1"
        ));
        let row = sqlx::query(sql)
            .bind(token_hash.to_vec())
            .fetch_optional(self.reader())
            .await
            .map_err(fail("find_password_token"))?;
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
        const OP: &str = "set_password_with_token";
        let mut tx = self.begin_write(OP).await?;
        // The conditions make the token single-use: of racing calls, one updates a row.
        let used = sqlx::query(
            "UPDATE password_tokens SET used_at = $1 \
             WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(now)
        .bind(id(token_id))
        .fetch_optional(&mut *tx)
        .await
        .map_err(fail(OP))?;
        let Some(row) = used else {
            return Err(UseTokenError::Invalid);
        };
        sqlx::query(
            "UPDATE portal_users SET password_hash = $1, password_status = 'SET', sessions_valid_after = $2, \
             updated_at = $2, status = CASE WHEN status = 'INVITED' THEN 'ACTIVE' ELSE status END WHERE id = $3",
        )
        .bind(password_hash.as_str())
        .bind(now)
        .bind(id(uuid(&row, "user_id")?))
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        messages::queue(&mut tx, notice).await?;
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(fail(OP))?;
        Ok(())
    }
}

/// Inserts `user`; with `skip_existing_email`, a user whose email exists is skipped (0 rows).
pub(crate) async fn insert_user(
    conn: &mut Conn,
    user: &PortalUser,
    skip_existing_email: bool,
) -> Result<u64, sqlx::Error> {
    let conflict = if skip_existing_email {
        " ON CONFLICT (email) DO NOTHING"
    } else {
        ""
    };
    let sql =
        format!("INSERT INTO portal_users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10){conflict}");
    let done = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(user.id.as_uuid()))
        .bind(user.email.as_str())
        .bind(user.role.as_str())
        .bind(user.client_id.map(|c| id(c.as_uuid())))
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

pub(crate) async fn insert_token(conn: &mut Conn, token: &PasswordToken) -> Result<(), StoreError> {
    let sql = format!("INSERT INTO password_tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(token.id))
        .bind(id(token.user_id.as_uuid()))
        .bind(token.kind.as_str())
        .bind(token.token_hash.to_vec())
        .bind(token.created_at)
        .bind(token.expires_at)
        .bind(token.used_at)
        .bind(token.revoked_at)
        .execute(conn)
        .await
        .map_err(fail("insert_token"))?;
    Ok(())
}

pub(crate) fn user_from_row(row: &Row) -> Result<PortalUser, StoreError> {
    Ok(PortalUser {
        id: UserId::from_uuid(uuid(row, "id")?),
        email: Email::parse(&col::<String>(row, "email")?).map_err(|e| corrupt("email", e))?,
        role: parsed(row, "role")?,
        client_id: opt_uuid(row, "client_id")?.map(domain::ClientId::from_uuid),
        status: parsed(row, "status")?,
        password_status: parsed(row, "password_status")?,
        password_hash: col::<Option<String>>(row, "password_hash")?.map(StoredPasswordHash::new),
        sessions_valid_after: col(row, "sessions_valid_after")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
    })
}

fn token_from_row(row: &Row) -> Result<PasswordToken, StoreError> {
    let hash: Vec<u8> = col(row, "token_hash")?;
    Ok(PasswordToken {
        id: uuid(row, "id")?,
        user_id: UserId::from_uuid(uuid(row, "user_id")?),
        kind: parsed(row, "kind")?,
        token_hash: hash.try_into().map_err(|_| corrupt("token_hash", "not 32 bytes"))?,
        created_at: col(row, "created_at")?,
        expires_at: col(row, "expires_at")?,
        used_at: col(row, "used_at")?,
        revoked_at: col(row, "revoked_at")?,
    })
}
