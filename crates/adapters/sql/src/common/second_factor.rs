//! Admins' second factors: the sealed TOTP secret with the last step accepted, and recovery
//! codes (only their SHA-256).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{NewAuditEntry, SecondFactor, UserId};
use ports::{SecondFactorRepository, StoreError};

use super::error::{col, fail};
use super::{Store, audit, id, uuid};

#[async_trait]
impl SecondFactorRepository for Store {
    async fn enrol_second_factor(
        &self,
        user: UserId,
        sealed_totp_secret: &[u8],
        recovery_code_hashes: &[[u8; 32]],
        now: DateTime<Utc>,
        audit_entry: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        const OP: &str = "enrol_second_factor";
        let mut tx = self.begin_write(OP).await?;
        sqlx::query(
            "INSERT INTO second_factors (user_id, totp_secret, last_used_step, enrolled_at) VALUES ($1, $2, NULL, $3) \
             ON CONFLICT (user_id) DO UPDATE SET totp_secret = excluded.totp_secret, last_used_step = NULL, \
             enrolled_at = excluded.enrolled_at",
        )
        .bind(id(user.as_uuid()))
        .bind(sealed_totp_secret.to_vec())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(id(user.as_uuid()))
            .execute(&mut *tx)
            .await
            .map_err(fail(OP))?;
        for hash in recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, NULL)")
                .bind(id(user.as_uuid()))
                .bind(hash.to_vec())
                .execute(&mut *tx)
                .await
                .map_err(fail(OP))?;
        }
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(fail(OP))
    }

    async fn second_factor(&self, user: UserId) -> Result<Option<SecondFactor>, StoreError> {
        let row = sqlx::query("SELECT totp_secret, last_used_step FROM second_factors WHERE user_id = $1")
            .bind(id(user.as_uuid()))
            .fetch_optional(self.reader())
            .await
            .map_err(fail("second_factor"))?;
        row.map(|row| {
            Ok(SecondFactor {
                totp_secret: col(&row, "totp_secret")?,
                last_used_step: col(&row, "last_used_step")?,
            })
        })
        .transpose()
    }

    async fn second_factors_of_length(&self, len: usize) -> Result<Vec<(UserId, Vec<u8>)>, StoreError> {
        let len = i64::try_from(len).map_err(|e| StoreError::unexpected("second_factors_of_length", e))?;
        let rows = sqlx::query("SELECT user_id, totp_secret FROM second_factors WHERE length(totp_secret) = $1")
            .bind(len)
            .fetch_all(self.reader())
            .await
            .map_err(fail("second_factors_of_length"))?;
        rows.iter()
            .map(|row| Ok((UserId::from_uuid(uuid(row, "user_id")?), col(row, "totp_secret")?)))
            .collect()
    }

    async fn replace_totp_secret(
        &self,
        user: UserId,
        old: &[u8],
        new: &[u8],
        audit_entry: &NewAuditEntry,
    ) -> Result<bool, StoreError> {
        const OP: &str = "replace_totp_secret";
        let mut tx = self.begin_write(OP).await?;
        let replaced =
            sqlx::query("UPDATE second_factors SET totp_secret = $1 WHERE user_id = $2 AND totp_secret = $3")
                .bind(new.to_vec())
                .bind(id(user.as_uuid()))
                .bind(old.to_vec())
                .execute(&mut *tx)
                .await
                .map_err(fail(OP))?
                .rows_affected()
                == 1;
        if replaced {
            audit::insert(&mut tx, audit_entry).await?;
        }
        tx.commit().await.map_err(fail(OP))?;
        Ok(replaced)
    }

    async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError> {
        const OP: &str = "use_totp_step";
        let mut tx = self.begin_write(OP).await?;
        let updated = sqlx::query(
            "UPDATE second_factors SET last_used_step = $1 \
             WHERE user_id = $2 AND (last_used_step IS NULL OR last_used_step < $1)",
        )
        .bind(step)
        .bind(id(user.as_uuid()))
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        tx.commit().await.map_err(fail(OP))?;
        Ok(updated.rows_affected() == 1)
    }

    async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        const OP: &str = "use_recovery_code";
        let mut tx = self.begin_write(OP).await?;
        let updated = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(id(user.as_uuid()))
        .bind(code_hash.to_vec())
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        tx.commit().await.map_err(fail(OP))?;
        Ok(updated.rows_affected() == 1)
    }
}
