//! Provisioning on SQLite. `BEGIN IMMEDIATE` on the single writer serialises runs, so of
//! concurrent runs for one client the first does the work and the rest find nothing to do.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{ClientId, NewAuditEntry, Requirement};
use ports::{ProvisionOutcome, ProvisioningRepository, ProvisioningWrite, StoreError};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::error::{col, corrupt, parsed, store_error};
use crate::users::insert_user;
use crate::{SqliteStore, audit, messages};

#[async_trait]
impl ProvisioningRepository for SqliteStore {
    async fn list_requirements(&self, client: ClientId) -> Result<Vec<Requirement>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, client_id, property_id, requirement, created_at FROM requirements \
             WHERE client_id = $1 ORDER BY property_id, requirement",
        )
        .bind(client.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.iter().map(requirement_from_row).collect()
    }

    async fn provision(&self, write: &ProvisioningWrite) -> Result<ProvisionOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let status: String = sqlx::query("SELECT onboarding_status FROM clients WHERE id = $1")
            .bind(write.client_id.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(store_error)?
            .ok_or_else(|| StoreError::Unexpected(format!("no client {}", write.client_id).into()))?
            .try_get("onboarding_status")
            .map_err(|e| corrupt("onboarding_status", e))?;

        let mut requirements_created = 0u32;
        for requirement in &write.requirements {
            let done = sqlx::query(
                "INSERT INTO requirements (id, client_id, property_id, requirement, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (property_id, requirement) DO NOTHING",
            )
            .bind(requirement.id.to_string())
            .bind(requirement.client_id.to_string())
            .bind(requirement.property_id.to_string())
            .bind(requirement.requirement.as_str())
            .bind(requirement.created_at)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
            requirements_created += u32::try_from(done.rows_affected()).unwrap_or(0);
        }
        let mut user_created = false;
        if let Some(account) = &write.user {
            user_created = insert_user(&mut tx, &account.user, true).await.map_err(store_error)? == 1;
            if user_created {
                messages::queue(&mut tx, &account.setup_email).await?;
            }
        }
        if requirements_created == 0 && !user_created && status == "PROVISIONED" {
            return Ok(ProvisionOutcome::AlreadyDone);
        }
        sqlx::query(
            "UPDATE clients SET onboarding_status = 'PROVISIONED', provisioning_error = NULL, updated_at = $1 \
             WHERE id = $2",
        )
        .bind(write.now)
        .bind(write.client_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        audit::insert(&mut tx, &write.started).await?;
        audit::insert(&mut tx, &write.completed).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(ProvisionOutcome::Completed {
            requirements_created,
            user_created,
        })
    }

    async fn record_provisioning_failure(
        &self,
        client: ClientId,
        reason: &str,
        now: DateTime<Utc>,
        started: &NewAuditEntry,
        failed: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE clients SET provisioning_error = $1, updated_at = $2, onboarding_status = \
             CASE WHEN onboarding_status = 'PROVISIONED' THEN onboarding_status ELSE 'FAILED' END WHERE id = $3",
        )
        .bind(reason)
        .bind(now)
        .bind(client.to_string())
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        audit::insert(&mut tx, started).await?;
        audit::insert(&mut tx, failed).await?;
        tx.commit().await.map_err(store_error)
    }
}

fn requirement_from_row(row: &SqliteRow) -> Result<Requirement, StoreError> {
    Ok(Requirement {
        id: parsed(row, "id")?,
        client_id: parsed(row, "client_id")?,
        property_id: parsed(row, "property_id")?,
        requirement: parsed(row, "requirement")?,
        created_at: col(row, "created_at")?,
    })
}
