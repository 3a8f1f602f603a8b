//! Payment events on PostgreSQL: each event id recorded once (concurrent deliveries of one event
//! wait on its row and then find it taken), its change applied in the same transaction,
//! subscription changes newest-wins.

use async_trait::async_trait;
use domain::{NewAuditEntry, OutgoingEmail};
use ports::{BillingChange, EventOutcome, PaymentEvent, PaymentEventRepository, StoreError};
use sqlx::{PgConnection, Row};

use crate::error::{corrupt, store_error};
use crate::{PgStore, audit, messages};

#[async_trait]
impl PaymentEventRepository for PgStore {
    async fn apply_payment_event(
        &self,
        event: &PaymentEvent,
        audit_entry: &NewAuditEntry,
        emails: &[OutgoingEmail],
    ) -> Result<EventOutcome, StoreError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let recorded = sqlx::query(
            "INSERT INTO payment_events (event_id, kind, created_at, received_at, outcome) \
             VALUES ($1, $2, $3, $4, 'RECEIVED') ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(&event.id)
        .bind(&event.kind)
        .bind(event.created_at)
        .bind(audit_entry.occurred_at)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        if recorded.rows_affected() == 0 {
            return Ok(EventOutcome::Duplicate);
        }
        let applied_to = apply(&mut tx, event, audit_entry).await?;
        let outcome = if applied_to.is_some() {
            EventOutcome::Applied
        } else {
            EventOutcome::Unchanged
        };
        sqlx::query("UPDATE payment_events SET outcome = $1 WHERE event_id = $2")
            .bind(if applied_to.is_some() { "APPLIED" } else { "UNCHANGED" })
            .bind(&event.id)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        if let Some(client_id) = applied_to {
            let mut entry = audit_entry.clone();
            entry.client_id = Some(domain::ClientId::from_uuid(client_id));
            audit::insert(&mut tx, &entry).await?;
            for email in emails {
                messages::queue(&mut tx, email).await?;
            }
        }
        tx.commit().await.map_err(store_error)?;
        Ok(outcome)
    }
}

/// Applies the change; the id of the client it changed, or `None` when it changed nothing.
async fn apply(
    conn: &mut PgConnection,
    event: &PaymentEvent,
    entry: &NewAuditEntry,
) -> Result<Option<uuid::Uuid>, StoreError> {
    let row = match &event.change {
        BillingChange::CheckoutCompleted {
            client_id,
            customer_id,
            subscription_id,
            paid,
        } => sqlx::query(
            "UPDATE clients SET stripe_customer_id = COALESCE($1, stripe_customer_id), \
             stripe_subscription_id = COALESCE($2, stripe_subscription_id), \
             subscription_status = CASE WHEN $3::boolean AND (subscription_event_at IS NULL OR subscription_event_at <= $4) \
                 THEN 'ACTIVE' ELSE subscription_status END, \
             subscription_event_at = CASE WHEN $3::boolean AND (subscription_event_at IS NULL OR subscription_event_at <= $4) \
                 THEN $4 ELSE subscription_event_at END, \
             onboarding_status = CASE WHEN $3::boolean AND onboarding_status = 'INTAKE_PENDING' \
                 THEN 'PROVISIONING' ELSE onboarding_status END, \
             updated_at = $5 WHERE id = $6 RETURNING id",
        )
        .bind(customer_id)
        .bind(subscription_id)
        .bind(paid)
        .bind(event.created_at)
        .bind(entry.occurred_at)
        .bind(client_id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(store_error)?
        // An unpaid checkout keeps the provider's ids but is no payment: nothing to audit.
        .filter(|_| *paid),
        BillingChange::Subscription {
            client_id,
            subscription_id,
            customer_id,
            status,
        } => sqlx::query(
            "UPDATE clients SET subscription_status = $1, stripe_subscription_id = $2, \
             stripe_customer_id = COALESCE($3, stripe_customer_id), subscription_event_at = $4, updated_at = $5 \
             WHERE (id = $6 OR ($6::uuid IS NULL AND stripe_subscription_id = $2)) \
             AND (stripe_subscription_id IS NULL OR stripe_subscription_id = $2 OR subscription_status = 'CANCELLED') \
             AND (subscription_event_at IS NULL OR subscription_event_at < $4) RETURNING id",
        )
        .bind(status.as_str())
        .bind(subscription_id)
        .bind(customer_id)
        .bind(event.created_at)
        .bind(entry.occurred_at)
        .bind(client_id.map(|c| c.as_uuid()))
        .fetch_optional(&mut *conn)
        .await
        .map_err(store_error)?,
        BillingChange::Ignored => None,
    };
    row.map(|r| r.try_get::<uuid::Uuid, _>("id").map_err(|e| corrupt("id", e)))
        .transpose()
}
