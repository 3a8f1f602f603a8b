//! The ACTIVE clients' portfolios a page at a time, for the jobs: clients by id, then each table's
//! rows by the page's range of client ids.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::ClientId;
use ports::{ClientPortfolio, PropertyRecord, StoreError};
use uuid::Uuid;

use super::clients::{CLIENT_COLUMNS, PROPERTY_COLUMNS, client_from_row, property_from_row};
use super::documents::{COLUMNS as DOCUMENT_COLUMNS, document_from_row};
use super::error::{col, fail};
use super::snapshots::{SNAPSHOT_COLUMNS, snapshot_from_row};
use super::{Conn, Row, Store, id, uuid};

/// The rows of a page's clients: those whose client id is from `$1` to `$2`. Pages' ranges are
/// disjoint, so every row is read once in a run; rows of clients in the range that are not
/// ACTIVE are read and dropped (by an index range scan, where a join on the page's ids would
/// make the planner scan whole tables).
const IN_PAGE: &str = "client_id >= $1 AND client_id <= $2";

pub(crate) async fn active(
    store: &Store,
    after: Option<ClientId>,
    limit: u32,
    today: NaiveDate,
) -> Result<Vec<ClientPortfolio>, StoreError> {
    const OP: &str = "active_portfolios";
    let mut conn = store.reader().acquire().await.map_err(fail(OP))?;
    let after = after.map_or(Uuid::nil(), |c| c.as_uuid());
    let sql = format!(
        "SELECT {CLIENT_COLUMNS} FROM clients WHERE subscription_status = 'ACTIVE' AND id > $1 ORDER BY id LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(after))
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await
        .map_err(fail(OP))?;
    let clients = rows.iter().map(client_from_row).collect::<Result<Vec<_>, _>>()?;
    let (Some(first), Some(last)) = (clients.first(), clients.last()) else {
        return Ok(Vec::new());
    };
    let range = (first.id.as_uuid(), last.id.as_uuid());
    let mut pages: HashMap<ClientId, ClientPortfolio> = clients
        .iter()
        .map(|client| {
            let portfolio = ClientPortfolio {
                client: client.clone(),
                properties: Vec::new(),
                reminders_sent: std::collections::HashSet::new(),
            };
            (client.id, portfolio)
        })
        .collect();
    read_properties(&mut conn, range, &mut pages).await?;
    read_reminders(&mut conn, range, today, &mut pages).await?;
    Ok(clients.iter().filter_map(|c| pages.remove(&c.id)).collect())
}

/// `columns` of the rows of `table` whose client is in the page, in `order`.
async fn in_page(
    conn: &mut Conn,
    (columns, table, order): (&str, &str, &str),
    (first, last): (Uuid, Uuid),
) -> Result<Vec<Row>, StoreError> {
    let sql = format!("SELECT {columns} FROM {table} WHERE {IN_PAGE} ORDER BY {order}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(first))
        .bind(id(last))
        .fetch_all(conn)
        .await
        .map_err(fail("active_portfolios"))
}

async fn read_properties(
    conn: &mut Conn,
    range: (Uuid, Uuid),
    pages: &mut HashMap<ClientId, ClientPortfolio>,
) -> Result<(), StoreError> {
    let columns = format!("{PROPERTY_COLUMNS}, evidence_version");
    let rows = in_page(conn, (&columns, "properties", "created_at, id"), range).await?;
    let mut properties: HashMap<domain::PropertyId, PropertyRecord> = HashMap::new();
    let mut order = Vec::new();
    for row in &rows {
        let property = property_from_row(row)?;
        order.push(property.id);
        let record = PropertyRecord {
            evidence_version: col(row, "evidence_version")?,
            property,
            documents: Vec::new(),
            snapshots: Vec::new(),
        };
        properties.insert(record.property.id, record);
    }
    let rows = in_page(conn, (DOCUMENT_COLUMNS, "documents", "created_at, id"), range).await?;
    for row in &rows {
        let document = document_from_row(row)?;
        if let Some(record) = properties.get_mut(&document.property_id) {
            record.documents.push(document);
        }
    }
    let rows = in_page(conn, (SNAPSHOT_COLUMNS, "requirement_snapshots", "property_id"), range).await?;
    for row in &rows {
        let snapshot = snapshot_from_row(row)?;
        if let Some(record) = properties.get_mut(&snapshot.property_id) {
            record.snapshots.push(snapshot);
        }
    }
    for property_id in order {
        if let Some(record) = properties.remove(&property_id)
            && let Some(page) = pages.get_mut(&record.property.client_id)
        {
            page.properties.push(record);
        }
    }
    Ok(())
}

async fn read_reminders(
    conn: &mut Conn,
    (first, last): (Uuid, Uuid),
    today: NaiveDate,
    pages: &mut HashMap<ClientId, ClientPortfolio>,
) -> Result<(), StoreError> {
    let sql = format!("SELECT key, client_id FROM reminders_sent WHERE {IN_PAGE} AND relevant_until >= $3");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id(first))
        .bind(id(last))
        .bind(today)
        .fetch_all(conn)
        .await
        .map_err(fail("active_portfolios"))?;
    for row in &rows {
        let client = ClientId::from_uuid(uuid(row, "client_id")?);
        if let Some(page) = pages.get_mut(&client) {
            page.reminders_sent.insert(col(row, "key")?);
        }
    }
    Ok(())
}
