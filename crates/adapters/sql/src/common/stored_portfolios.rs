//! Each client's portfolio as last evaluated: read with the session (`sessions.rs`), beside the
//! client's evidence version now, so that a dashboard whose evidence has not moved is one read.

use domain::ClientId;
use ports::{PortfolioRead, StoreError, StoredPortfolio};

use super::error::{col, fail};
use super::{Row, Store, id};

/// The columns [`read_from`] reads, from `clients c LEFT JOIN stored_portfolios s`.
pub(crate) const COLUMNS: &str = "c.evidence_version AS evidence_now, s.evidence_version AS s_evidence_version, \
     s.evaluated_on AS s_evaluated_on, s.engine AS s_engine, s.portfolio AS s_portfolio";

pub(crate) fn read_from(row: &Row) -> Result<PortfolioRead, StoreError> {
    let stored = match col::<Option<i64>>(row, "s_evidence_version")? {
        Some(evidence_version) => Some(StoredPortfolio {
            evidence_version,
            evaluated_on: col(row, "s_evaluated_on")?,
            engine: col(row, "s_engine")?,
            portfolio: col(row, "s_portfolio")?,
        }),
        None => None,
    };
    Ok(PortfolioRead {
        evidence_version: col(row, "evidence_now")?,
        stored,
    })
}

pub(crate) async fn write(store: &Store, client: ClientId, portfolio: &StoredPortfolio) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO stored_portfolios (client_id, evidence_version, evaluated_on, engine, portfolio) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (client_id) DO UPDATE SET \
         evidence_version = excluded.evidence_version, evaluated_on = excluded.evaluated_on, \
         engine = excluded.engine, portfolio = excluded.portfolio",
    )
    .bind(id(client.as_uuid()))
    .bind(portfolio.evidence_version)
    .bind(portfolio.evaluated_on)
    .bind(&portfolio.engine)
    .bind(&portfolio.portfolio)
    .execute(store.writer())
    .await
    .map_err(fail("store_portfolio"))?;
    Ok(())
}
