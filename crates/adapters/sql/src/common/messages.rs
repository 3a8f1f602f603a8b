//! The message log: emails queued in the transactions of the changes that cause them, claimed
//! by delivery workers under a lease, and their outcomes. A claim is atomic: on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so any number of workers never take one email twice; on SQLite the
//! single writer makes it so.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{EmailContent, MessageId, NewAuditEntry, OutgoingEmail, TemplateAlias};
use ports::{
    ClaimedEmail, Delivery, DeliveryEvent, MessageFilter, MessagePage, MessageRecord, MessageRepository, StoreError,
};
use sqlx::QueryBuilder;
use sqlx::types::Json;

use super::error::{col, corrupt, fail, parsed};
use super::{Conn, Db, Row, SKIP_LOCKED, Store, audit, id, int, opt_uuid, uuid};

const RECORD_COLUMNS: &str =
    "id, client_id, template, recipient, status, attempts, provider_id, error, created_at, updated_at";

/// Queues `email` on `conn`, inside the caller's transaction.
pub(crate) async fn queue(conn: &mut Conn, email: &OutgoingEmail) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO message_logs (id, client_id, template, recipient, model, status, attempts, next_attempt_at, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'QUEUED', 0, $6, $6, $6)",
    )
    .bind(id(email.id.as_uuid()))
    .bind(email.client_id.map(|c| id(c.as_uuid())))
    .bind(email.content.alias().as_str())
    .bind(email.to.as_str())
    .bind(Json(email.content.model()))
    .bind(email.created_at)
    .execute(conn)
    .await
    .map_err(fail("queue_email"))?;
    Ok(())
}

#[async_trait]
impl MessageRepository for Store {
    async fn queue_email(&self, email: &OutgoingEmail, audit_entry: &NewAuditEntry) -> Result<(), StoreError> {
        const OP: &str = "queue_email";
        let mut tx = self.begin_write(OP).await?;
        queue(&mut tx, email).await?;
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(fail(OP))
    }

    async fn claim_due_emails(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedEmail>, StoreError> {
        const OP: &str = "claim_due_emails";
        let sql = format!(
            "UPDATE message_logs SET attempts = attempts + 1, next_attempt_at = $2, updated_at = $1 \
             WHERE id IN (SELECT id FROM message_logs WHERE status = 'QUEUED' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $3{SKIP_LOCKED}) \
             RETURNING id, client_id, template, recipient, model, attempts, created_at"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(lease_until)
            .bind(i64::from(limit))
            .fetch_all(self.writer())
            .await
            .map_err(fail(OP))?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in &rows {
            match claimed_from_row(row) {
                Ok(email) => claimed.push(email),
                // One unreadable row must not hold back the rest of the batch: it fails alone.
                Err(error) => {
                    sqlx::query(
                        "UPDATE message_logs SET status = 'FAILED', error = $1, model = NULL, updated_at = $2 \
                         WHERE id = $3",
                    )
                    .bind(format!("unreadable: {error}"))
                    .bind(now)
                    .bind(id(uuid(row, "id")?))
                    .execute(self.writer())
                    .await
                    .map_err(fail(OP))?;
                }
            }
        }
        claimed.sort_by_key(|c| c.email.id);
        Ok(claimed)
    }

    async fn record_sent(
        &self,
        message: MessageId,
        delivery: &Delivery,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE message_logs SET status = 'SENT', provider_id = $1, error = NULL, model = NULL, updated_at = $2 \
             WHERE id = $3 AND status = 'QUEUED'",
        )
        .bind(delivery.provider_id.as_deref())
        .bind(now)
        .bind(id(message.as_uuid()))
        .execute(self.writer())
        .await
        .map_err(fail("record_sent"))?;
        Ok(done.rows_affected() == 1)
    }

    async fn record_retry(
        &self,
        message: MessageId,
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
        .bind(id(message.as_uuid()))
        .execute(self.writer())
        .await
        .map_err(fail("record_retry"))?;
        Ok(())
    }

    async fn record_failed(&self, message: MessageId, error: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE message_logs SET status = 'FAILED', error = $1, model = NULL, updated_at = $2 \
             WHERE id = $3 AND status = 'QUEUED'",
        )
        .bind(error)
        .bind(now)
        .bind(id(message.as_uuid()))
        .execute(self.writer())
        .await
        .map_err(fail("record_failed"))?;
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
        .execute(self.writer())
        .await
        .map_err(fail("apply_delivery_event"))?;
        Ok(done.rows_affected() > 0)
    }

    async fn get_message(&self, message: MessageId) -> Result<Option<MessageRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {RECORD_COLUMNS} FROM message_logs WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id(message.as_uuid()))
            .fetch_optional(self.reader())
            .await
            .map_err(fail("get_message"))?;
        row.as_ref().map(record_from_row).transpose()
    }

    async fn list_messages(&self, filter: &MessageFilter) -> Result<MessagePage, StoreError> {
        const OP: &str = "list_messages";
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM message_logs");
        push_filter(&mut count, filter);
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(self.reader())
            .await
            .map_err(fail(OP))?;

        let mut select = QueryBuilder::<Db>::new(format!("SELECT {RECORD_COLUMNS} FROM message_logs"));
        push_filter(&mut select, filter);
        select.push(" ORDER BY created_at DESC, id DESC LIMIT ");
        select.push_bind(i64::from(filter.limit));
        select.push(" OFFSET ");
        select.push_bind(i64::from(filter.offset));
        let rows = select.build().fetch_all(self.reader()).await.map_err(fail(OP))?;
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

fn push_filter(query: &mut QueryBuilder<Db>, filter: &MessageFilter) {
    let mut separator = " WHERE ";
    if let Some(client) = filter.client_id {
        query
            .push(separator)
            .push("client_id = ")
            .push_bind(id(client.as_uuid()));
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

fn attempts(row: &Row) -> Result<u32, StoreError> {
    u32::try_from(int(row, "attempts")?).map_err(|e| corrupt("attempts", e))
}

fn claimed_from_row(row: &Row) -> Result<ClaimedEmail, StoreError> {
    let alias: TemplateAlias = parsed(row, "template")?;
    let model = col::<Option<Json<serde_json::Value>>>(row, "model")?.map_or(serde_json::Value::Null, |j| j.0);
    Ok(ClaimedEmail {
        email: OutgoingEmail {
            id: MessageId::from_uuid(uuid(row, "id")?),
            client_id: opt_uuid(row, "client_id")?.map(domain::ClientId::from_uuid),
            to: domain::Email::parse(&col::<String>(row, "recipient")?).map_err(|e| corrupt("recipient", e))?,
            content: EmailContent::from_parts(alias, model).map_err(|e| corrupt("model", e))?,
            created_at: col(row, "created_at")?,
        },
        attempt: attempts(row)?,
    })
}

fn record_from_row(row: &Row) -> Result<MessageRecord, StoreError> {
    Ok(MessageRecord {
        id: MessageId::from_uuid(uuid(row, "id")?),
        client_id: opt_uuid(row, "client_id")?.map(domain::ClientId::from_uuid),
        template: parsed(row, "template")?,
        recipient: domain::Email::parse(&col::<String>(row, "recipient")?).map_err(|e| corrupt("recipient", e))?,
        status: parsed(row, "status")?,
        attempts: attempts(row)?,
        provider_id: col(row, "provider_id")?,
        error: col(row, "error")?,
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
    })
}
