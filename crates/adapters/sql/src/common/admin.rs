//! The console's lists: each query is built from the filters given (placeholders only, never the
//! values' text) and continues after the cursor's row, by the columns it sorts on.

use async_trait::async_trait;
use domain::{AuditEntry, ClientId, Document, DocumentId, PortalUser, Rag};
use ports::{AdminQueries, After, AuditQuery, ClientQuery, ClientSummary, StoreError, UserQuery};
use sqlx::QueryBuilder;

use super::audit::{ENTRY_COLUMNS, entry_from_row};
use super::clients::{CLIENT_COLUMNS, client_from_row};
use super::documents::{COLUMNS as DOCUMENT_COLUMNS, document_from_row};
use super::error::{col, fail};
use super::users::{USER_COLUMNS, user_from_row};
use super::{Db, Store, id};

/// A snapshot's colour as a rank (`s.status`): 3 RED, 2 AMBER, 1 GREEN, 0 not applicable.
macro_rules! rank_of_status {
    () => {
        "CASE WHEN s.status IN ('OVERDUE', 'MISSING', 'NON_COMPLIANT') THEN 3 \
         WHEN s.status IN ('EXPIRING_SOON', 'EXPIRED_IN_TENANCY', 'PENDING_VERIFICATION') THEN 2 \
         WHEN s.status = 'COMPLIANT' THEN 1 ELSE 0 END"
    };
}
pub(super) use rank_of_status;

/// The worst colour of a client's snapshots: 3 RED, 2 AMBER, 1 GREEN, 0 nothing but
/// not-applicable, NULL never evaluated.
const WORST: &str = concat!(
    "(SELECT CAST(MAX(",
    rank_of_status!(),
    ") AS BIGINT) FROM requirement_snapshots s WHERE s.client_id = c.id)"
);

pub(super) const fn rank(rag: Rag) -> i64 {
    match rag {
        Rag::Red => 3,
        Rag::Amber => 2,
        Rag::Green => 1,
        Rag::Grey => 0,
    }
}

pub(super) fn rag_of(rank: Option<i64>) -> Option<Rag> {
    match rank? {
        3 => Some(Rag::Red),
        2 => Some(Rag::Amber),
        // Every requirement not applicable: nothing to do, as green as it gets.
        _ => Some(Rag::Green),
    }
}

/// `text` for a LIKE pattern that matches it anywhere, with `%`, `_` and `\` taken literally.
fn contains(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// Continues a newest-first list after `after` (sorted on `at`, then `id`).
fn newest_after<Id>(
    q: &mut QueryBuilder<Db>,
    table: &str,
    after: Option<&After<Id>>,
    id_of: impl Fn(&Id) -> uuid::Uuid,
) {
    if let Some(after) = after {
        q.push(format!(" AND ({table}.created_at < "))
            .push_bind(after.at)
            .push(format!(" OR ({table}.created_at = "))
            .push_bind(after.at)
            .push(format!(" AND {table}.id < "))
            .push_bind(id(id_of(&after.id)))
            .push("))");
    }
}

#[async_trait]
impl AdminQueries for Store {
    async fn figures(&self, now: chrono::DateTime<chrono::Utc>) -> Result<ports::Figures, StoreError> {
        self.read_figures(now).await
    }

    async fn list_clients(&self, query: &ClientQuery) -> Result<Vec<ClientSummary>, StoreError> {
        let columns = CLIENT_COLUMNS
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut q = QueryBuilder::<Db>::new(format!(
            "SELECT {columns}, (SELECT COUNT(*) FROM properties p WHERE p.client_id = c.id) AS property_count, \
             {WORST} AS worst FROM clients c WHERE 1 = 1"
        ));
        if let Some(status) = query.onboarding_status {
            q.push(" AND c.onboarding_status = ").push_bind(status.as_str());
        }
        if let Some(status) = query.subscription_status {
            q.push(" AND c.subscription_status = ").push_bind(status.as_str());
        }
        if let Some(rag) = query.portfolio_status {
            q.push(format!(" AND {WORST} = ")).push_bind(rank(rag));
        }
        if let Some(search) = &query.search {
            let text = contains(&search.trim().to_lowercase());
            let postcode = contains(&search.to_uppercase().replace(' ', ""));
            q.push(" AND (LOWER(c.full_name) LIKE ")
                .push_bind(text.clone())
                .push(" ESCAPE '\\' OR LOWER(c.email) LIKE ")
                .push_bind(text)
                .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM properties p WHERE p.client_id = c.id AND ")
                .push("REPLACE(p.postcode, ' ', '') LIKE ")
                .push_bind(postcode)
                .push(" ESCAPE '\\'))");
        }
        newest_after(&mut q, "c", query.after.as_ref(), |c| c.as_uuid());
        q.push(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
            .push_bind(i64::from(query.limit));
        let rows = q.build().fetch_all(self.reader()).await.map_err(fail("list_clients"))?;
        rows.iter()
            .map(|row| {
                Ok(ClientSummary {
                    client: client_from_row(row)?,
                    property_count: u32::try_from(col::<i64>(row, "property_count")?).unwrap_or(u32::MAX),
                    portfolio_status: rag_of(col::<Option<i64>>(row, "worst")?),
                })
            })
            .collect()
    }

    async fn pending_documents(
        &self,
        after: Option<After<DocumentId>>,
        limit: u32,
    ) -> Result<Vec<Document>, StoreError> {
        let mut q = QueryBuilder::<Db>::new(format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE status = 'PENDING'"
        ));
        if let Some(after) = after {
            q.push(" AND (created_at > ")
                .push_bind(after.at)
                .push(" OR (created_at = ")
                .push_bind(after.at)
                .push(" AND id > ")
                .push_bind(id(after.id.as_uuid()))
                .push("))");
        }
        q.push(" ORDER BY created_at, id LIMIT ").push_bind(i64::from(limit));
        let rows = q
            .build()
            .fetch_all(self.reader())
            .await
            .map_err(fail("pending_documents"))?;
        rows.iter().map(document_from_row).collect()
    }

    async fn list_users(&self, query: &UserQuery) -> Result<Vec<PortalUser>, StoreError> {
        let mut q = QueryBuilder::<Db>::new(format!("SELECT {USER_COLUMNS} FROM portal_users u WHERE 1 = 1"));
        if let Some(role) = query.role {
            q.push(" AND u.role = ").push_bind(role.as_str());
        }
        if let Some(status) = query.status {
            q.push(" AND u.status = ").push_bind(status.as_str());
        }
        newest_after(&mut q, "u", query.after.as_ref(), |u| u.as_uuid());
        q.push(" ORDER BY u.created_at DESC, u.id DESC LIMIT ")
            .push_bind(i64::from(query.limit));
        let rows = q.build().fetch_all(self.reader()).await.map_err(fail("list_users"))?;
        rows.iter().map(user_from_row).collect()
    }

    async fn users_of_client(&self, client: ClientId) -> Result<Vec<PortalUser>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM portal_users WHERE client_id = $1 ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id(client.as_uuid()))
            .fetch_all(self.reader())
            .await
            .map_err(fail("users_of_client"))?;
        rows.iter().map(user_from_row).collect()
    }

    async fn query_audit(&self, query: &AuditQuery) -> Result<Vec<(i64, AuditEntry)>, StoreError> {
        let mut q = QueryBuilder::<Db>::new(format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE 1 = 1"));
        if let Some(client) = query.client_id {
            q.push(" AND client_id = ").push_bind(id(client.as_uuid()));
        }
        if let Some(action) = query.action {
            q.push(" AND action = ").push_bind(action.as_str());
        }
        if let Some(actor) = &query.actor_id {
            q.push(" AND actor_id = ").push_bind(actor.clone());
        }
        if let Some(from) = query.from {
            q.push(" AND occurred_at >= ").push_bind(from);
        }
        if let Some(to) = query.to {
            q.push(" AND occurred_at < ").push_bind(to);
        }
        let (compare, order) = if query.oldest_first {
            (">", "ASC")
        } else {
            ("<", "DESC")
        };
        if let Some(pos) = query.after_pos {
            q.push(format!(" AND pos {compare} ")).push_bind(pos);
        }
        q.push(format!(" ORDER BY pos {order} LIMIT "))
            .push_bind(i64::from(query.limit));
        let rows = q.build().fetch_all(self.reader()).await.map_err(fail("query_audit"))?;
        rows.iter()
            .map(|row| Ok((col::<i64>(row, "pos")?, entry_from_row(row)?)))
            .collect()
    }
}
