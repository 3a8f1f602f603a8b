//! The message log on PostgreSQL. Workers claim emails with `FOR UPDATE SKIP LOCKED`, so any
//! number of them (in any number of server instances) never take the same email twice.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{EmailContent, MessageId, NewAuditEntry, OutgoingEmail, TemplateAlias};
use ports::{
    ClaimedEmail, Delivery, DeliveryEvent, MessageFilter, MessagePage, MessageRecord, MessageRepository, StoreError,
};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, QueryBuilder};

use crate::error::{col, corrupt, parsed, store_error};
use crate::{PgStore, audit};

const RECORD_COLUMNS: &str =
    "id, client_id, template, recipient, status, attempts, provider_id, error, created_at, updated_at";

/// Queues `email` on `conn`, inside the caller's transaction.
pub(crate) async fn queue(conn: &mut PgConnection, email: &OutgoingEmail) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO message_logs (id, client_id, template, recipient, model, status, attempts, next_attempt_at, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, 'QUEUED', 0, $6, $6, $6)",
    )
    .bind(email.id.as_uuid())
    .bind(email.client_id.map(|c| c.as_uuid()))
    .bind(email.content.alias().as_str())
    .bind(email.to.as_str())
    .bind(email.content.model().to_string())
    .bind(email.created_at)
    .execute(conn)
    .await
    .map_err(store_error)?;
    Ok(())
}

#[async_trait]
impl MessageRepository for PgStore {
    async fn queue_email(&self, email: &OutgoingEmail, audit_entry: &NewAuditEntry) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        queue(&mut tx, email).await?;
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(store_error)
    }

    async fn claim_due_emails(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedEmail>, StoreError> {
        let rows = sqlx::query(
            "UPDATE message_logs SET attempts = attempts + 1, next_attempt_at = $2, updated_at = $1 \
             WHERE id IN (SELECT id FROM message_logs WHERE status = 'QUEUED' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING id, client_id, template, recipient, model::text AS model, attempts, created_at",
        )
        .bind(now)
        .bind(lease_until)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            match claimed_from_row(row) {
                Ok(email) => claimed.push(email),
                // One unreadable row must not hold back the rest of the batch: it fails alone.
                Err(error) => {
                    let id: uuid::Uuid = col(row, "id")?;
                    sqlx::query(
                        "UPDATE message_logs SET status = 'FAILED', error = $1, model = NULL, updated_at = $2 \
                         WHERE id = $3",
                    )
                    .bind(format!("unreadable: {error}"))
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await
                    .map_err(store_error)?;
                }
            }
        }
        claimed.sort_by_key(|c| c.email.id);
        Ok(claimed)
    }

    async fn record_sent(&self, id: MessageId, delivery: &Delivery, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE message_logs SET status = 'SENT', provider_id = $1, error = NULL, model = NULL, updated_at = $2 \
             WHERE id = $3 AND status = 'QUEUED'",
        )
        .bind(delivery.provider_id.as_deref())
        .bind(now)
        .bind(id.as_uuid())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn record_retry(
        &self,
        id: MessageId,
        error: &str,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE message_logs SET error = $1, next_attempt_at = $2, updated_at = $3 \
             WHERE id = $4 AND status = 'QUEUED'",
        )
        .bind(error)
        .bind(retry_at)
        .bind(now)
        .bind(id.as_uuid())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn record_failed(&self, id: MessageId, error: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE message_logs SET status = 'FAILED', error = $1, model = NULL, updated_at = $2 \
             WHERE id = $3 AND status = 'QUEUED'",
        )
        .bind(error)
        .bind(now)
        .bind(id.as_uuid())
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn apply_delivery_event(
        &self,
        provider_id: &str,
        event: &DeliveryEvent,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let (status, from, error) = delivery_transition(event);
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE message_logs SET status = $1, error = COALESCE($2, error), updated_at = $3 \
             WHERE provider_id = $4 AND status IN ({from})"
        )))
        .bind(status)
        .bind(error)
        .bind(now)
        .bind(provider_id)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn get_message(&self, id: MessageId) -> Result<Option<MessageRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {RECORD_COLUMNS} FROM message_logs WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.as_ref().map(record_from_row).transpose()
    }

    async fn list_messages(&self, filter: &MessageFilter) -> Result<MessagePage, StoreError> {
        let mut count = QueryBuilder::<Postgres>::new("SELECT COUNT(*) FROM message_logs");
        push_filter(&mut count, filter);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;

        let mut select = QueryBuilder::<Postgres>::new(format!("SELECT {RECORD_COLUMNS} FROM message_logs"));
        push_filter(&mut select, filter);
        select.push(" ORDER BY created_at DESC, id DESC LIMIT ");
        select.push_bind(i64::from(filter.limit));
        select.push(" OFFSET ");
        select.push_bind(i64::from(filter.offset));
        let rows = select.build().fetch_all(&self.pool).await.map_err(store_error)?;
        Ok(MessagePage {
            items: rows.iter().map(record_from_row).collect::<Result<_, _>>()?,
            total: u64::try_from(total).unwrap_or_default(),
        })
    }
}

/// The status an event moves to, the statuses it may move from, and the error it records.
fn delivery_transition(event: &DeliveryEvent) -> (&'static str, &'static str, Option<&str>) {
    match event {
        DeliveryEvent::Delivered { .. } => ("DELIVERED", "'SENT'", None),
        DeliveryEvent::Bounced { reason, .. } => ("BOUNCED", "'SENT', 'DELIVERED'", Some(reason.as_str())),
    }
}

fn push_filter(query: &mut QueryBuilder<Postgres>, filter: &MessageFilter) {
    let mut separator = " WHERE ";
    if let Some(client) = filter.client_id {
        query.push(separator).push("client_id = ").push_bind(client.as_uuid());
        separator = " AND ";
    }
    if let Some(template) = filter.template {
        query.push(separator).push("template = ").push_bind(template.as_str());
        separator = " AND ";
    }
    if let Some(status) = filter.status {
        query.push(separator).push("status = ").push_bind(status.as_str());
    }
}

fn claimed_from_row(row: &PgRow) -> Result<ClaimedEmail, StoreError> {
    let alias: TemplateAlias = parsed(row, "template")?;
    let model: Option<String> = col(row, "model")?;
    let model = serde_json::from_str(model.as_deref().unwrap_or("null")).map_err(|e| corrupt("model", e))?;
    Ok(ClaimedEmail {
        email: OutgoingEmail {
            id: MessageId::from_uuid(col(row, "id")?),
            client_id: col::<Option<uuid::Uuid>>(row, "client_id")?.map(domain::ClientId::from_uuid),
            to: domain::Email::parse(&col::<String>(row, "recipient")?).map_err(|e| corrupt("recipient", e))?,
            content: EmailContent::from_parts(alias, model).map_err(|e| corrupt("model", e))?,
            created_at: col(row, "created_at")?,
        },
        attempt: u32::try_from(col::<i32>(row, "attempts")?).map_err(|e| corrupt("attempts", e))?,
    })
}

fn record_from_row(row: &PgRow) -> Result<MessageRecord, StoreError> {
    Ok(MessageRecord {
        id: MessageId::from_uuid(col(row, "id")?),
        client_id: col::<Option<uuid::Uuid>>(row, "client_id")?.map(domain::ClientId::from_uuid),
        template: parsed(row, "template")?,
        recipient: domain::Email::parse(&col::<String>(row, "recipient")?).map_err(|e| corrupt("recipient", e))?,
        status: parsed(row, "status")?,
        attempts: u32::try_from(col::<i32>(row, "attempts")?).map_err(|e| corrupt("attempts", e))?,
        provider_id: col(row, "provider_id")?,
        error: col(row, "error")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
    })
}
