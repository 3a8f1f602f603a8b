//! Provisioning. Each run first locks its client's row (PostgreSQL: `FOR UPDATE`; SQLite: the
//! single writer's `BEGIN IMMEDIATE`), so of concurrent runs for one client the first does the
//! work and the rest find nothing to do.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{ClientId, NewAuditEntry, PropertyId, Requirement, RequirementId};
use ports::{ProvisionOutcome, ProvisioningRepository, ProvisioningWrite, StoreError};

use super::error::{col, fail, parsed};
use super::users::insert_user;
use super::{FOR_UPDATE, Row, Store, audit, id, messages, uuid};

#[async_trait]
impl ProvisioningRepository for Store {
    async fn list_requirements(&self, client: ClientId) -> Result<Vec<Requirement>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, client_id, property_id, requirement, created_at FROM requirements \
             WHERE client_id = $1 ORDER BY property_id, requirement",
        )
        .bind(id(client.as_uuid()))
        .fetch_all(self.reader())
        .await
        .map_err(fail("list_requirements"))?;
        rows.iter().map(requirement_from_row).collect()
    }

    async fn provision(&self, write: &ProvisioningWrite) -> Result<ProvisionOutcome, StoreError> {
        const OP: &str = "provision";
        let mut tx = self.begin_write(OP).await?;
        let sql = format!("SELECT onboarding_status FROM clients WHERE id = $1{FOR_UPDATE}");
        let client = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id(write.client_id.as_uuid()))
            .fetch_optional(&mut *tx)
            .await
            .map_err(fail(OP))?
            .ok_or_else(|| StoreError::unexpected(OP, format!("no client {}", write.client_id)))?;
        let status: String = col(&client, "onboarding_status")?;

        let mut requirements_created = 0u32;
        for requirement in &write.requirements {
            let done = sqlx::query(
                "INSERT INTO requirements (id, client_id, property_id, requirement, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (property_id, requirement) DO NOTHING",
            )
            .bind(id(requirement.id.as_uuid()))
            .bind(id(requirement.client_id.as_uuid()))
            .bind(id(requirement.property_id.as_uuid()))
            .bind(requirement.requirement.as_str())
            .bind(requirement.created_at)
            .execute(&mut *tx)
            .await
            .map_err(fail(OP))?;
            requirements_created += u32::try_from(done.rows_affected()).unwrap_or(0);
        }
        let mut user_created = false;
        if let Some(account) = &write.user {
            user_created = insert_user(&mut tx, &account.user, true).await.map_err(fail(OP))? == 1;
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
        .bind(id(write.client_id.as_uuid()))
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        audit::insert(&mut tx, &write.started).await?;
        audit::insert(&mut tx, &write.completed).await?;
        tx.commit().await.map_err(fail(OP))?;
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
        const OP: &str = "record_provisioning_failure";
        let mut tx = self.begin_write(OP).await?;
        sqlx::query(
            "UPDATE clients SET provisioning_error = $1, updated_at = $2, onboarding_status = \
             CASE WHEN onboarding_status = 'PROVISIONED' THEN onboarding_status ELSE 'FAILED' END WHERE id = $3",
        )
        .bind(reason)
        .bind(now)
        .bind(id(client.as_uuid()))
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        audit::insert(&mut tx, started).await?;
        audit::insert(&mut tx, failed).await?;
        tx.commit().await.map_err(fail(OP))
    }
}

fn requirement_from_row(row: &Row) -> Result<Requirement, StoreError> {
    Ok(Requirement {
        id: RequirementId::from_uuid(uuid(row, "id")?),
        client_id: ClientId::from_uuid(uuid(row, "client_id")?),
        property_id: PropertyId::from_uuid(uuid(row, "property_id")?),
        requirement: parsed(row, "requirement")?,
        created_at: col(row, "created_at")?,
    })
}
