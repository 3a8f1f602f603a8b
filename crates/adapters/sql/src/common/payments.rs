//! Payment events: each event id recorded once (on PostgreSQL concurrent deliveries of one event
//! wait on its row and then find it taken), its change applied in the same transaction,
//! subscription changes newest-wins.

use async_trait::async_trait;
use domain::{ClientId, NewAuditEntry, OutgoingEmail};
use ports::{BillingChange, EventOutcome, PaymentEvent, PaymentEventRepository, StoreError};
use uuid::Uuid;

use super::error::fail;
use super::{Conn, Store, audit, id, messages, uuid};

#[async_trait]
impl PaymentEventRepository for Store {
    async fn apply_payment_event(
        &self,
        event: &PaymentEvent,
        audit_entry: &NewAuditEntry,
        emails: &[OutgoingEmail],
    ) -> Result<EventOutcome, StoreError> {
        const OP: &str = "apply_payment_event";
        let mut tx = self.begin_write(OP).await?;
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
        .map_err(fail(OP))?;
        if recorded.rows_affected() == 0 {
            return Ok(EventOutcome::Duplicate);
        }
        let applied_to = apply(&mut tx, event, audit_entry).await?;
        sqlx::query("UPDATE payment_events SET outcome = $1 WHERE event_id = $2")
            .bind(if applied_to.is_some() { "APPLIED" } else { "UNCHANGED" })
            .bind(&event.id)
            .execute(&mut *tx)
            .await
            .map_err(fail(OP))?;
        if let Some(client_id) = applied_to {
            let mut entry = audit_entry.clone();
            entry.client_id = Some(ClientId::from_uuid(client_id));
            audit::insert(&mut tx, &entry).await?;
            for email in emails {
                messages::queue(&mut tx, email).await?;
            }
        }
        tx.commit().await.map_err(fail(OP))?;
        Ok(if applied_to.is_some() {
            EventOutcome::Applied
        } else {
            EventOutcome::Unchanged
        })
    }
}

/// Applies the change; the id of the client it changed, or `None` when it changed nothing.
async fn apply(conn: &mut Conn, event: &PaymentEvent, entry: &NewAuditEntry) -> Result<Option<Uuid>, StoreError> {
    const OP: &str = "apply_payment_event";
    let row = match &event.change {
        BillingChange::CheckoutCompleted {
            client_id,
            customer_id,
            subscription_id,
            paid,
        } => sqlx::query(
            "UPDATE clients SET stripe_customer_id = COALESCE($1, stripe_customer_id), \
             stripe_subscription_id = COALESCE($2, stripe_subscription_id), \
             subscription_status = CASE WHEN CAST($3 AS BOOLEAN) \
                 AND (subscription_event_at IS NULL OR subscription_event_at <= $4) \
                 THEN 'ACTIVE' ELSE subscription_status END, \
             subscription_event_at = CASE WHEN CAST($3 AS BOOLEAN) \
                 AND (subscription_event_at IS NULL OR subscription_event_at <= $4) \
                 THEN $4 ELSE subscription_event_at END, \
             onboarding_status = CASE WHEN CAST($3 AS BOOLEAN) AND onboarding_status = 'INTAKE_PENDING' \
                 THEN 'PROVISIONING' ELSE onboarding_status END, \
             updated_at = $5 WHERE id = $6 RETURNING id",
        )
        .bind(customer_id)
        .bind(subscription_id)
        .bind(paid)
        .bind(event.created_at)
        .bind(entry.occurred_at)
        .bind(id(client_id.as_uuid()))
        .fetch_optional(&mut *conn)
        .await
        .map_err(fail(OP))?
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
             WHERE (id = $6 OR (CAST($7 AS BOOLEAN) AND stripe_subscription_id = $2)) \
             AND (stripe_subscription_id IS NULL OR stripe_subscription_id = $2 OR subscription_status = 'CANCELLED') \
             AND (subscription_event_at IS NULL OR subscription_event_at < $4) RETURNING id",
        )
        .bind(status.as_str())
        .bind(subscription_id)
        .bind(customer_id)
        .bind(event.created_at)
        .bind(entry.occurred_at)
        .bind(client_id.map(|c| id(c.as_uuid())))
        .bind(client_id.is_none())
        .fetch_optional(&mut *conn)
        .await
        .map_err(fail(OP))?,
        BillingChange::Ignored => None,
    };
    row.map(|r| uuid(&r, "id")).transpose()
}
