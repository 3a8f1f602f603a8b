//! The store ports on PostgreSQL, for production and for several instances at once.
//!
//! This module is the PostgreSQL dialect the common modules are compiled against; `specific`
//! holds what only PostgreSQL does.

#[path = "../common/mod.rs"]
mod common;
pub(crate) mod page;
pub(crate) mod specific;

use std::str::FromStr;
use std::time::Duration;

use ports::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use common::error::{col, fail};

pub(crate) type Db = Postgres;
pub(crate) type Conn = sqlx::PgConnection;
pub(crate) type Row = sqlx::postgres::PgRow;
pub(crate) type Store = PgStore;

/// Locks the rows a statement reads until the transaction ends.
pub(crate) const FOR_UPDATE: &str = " FOR UPDATE";
/// Locks the rows a claim takes, passing over those another worker is taking.
pub(crate) const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

/// A password token used within a day of being issued. Interval arithmetic on TIMESTAMPTZ.
pub(crate) const USED_WITHIN_A_DAY: &str = "used_at - created_at <= INTERVAL '1 day'";

/// Ids are stored as UUID.
pub(crate) fn id(uuid: Uuid) -> Uuid {
    uuid
}

pub(crate) fn uuid(row: &Row, column: &str) -> Result<Uuid, StoreError> {
    col(row, column)
}

pub(crate) fn opt_uuid(row: &Row, column: &str) -> Result<Option<Uuid>, StoreError> {
    col(row, column)
}

/// An INTEGER column (32 bits on PostgreSQL).
pub(crate) fn int(row: &Row, column: &str) -> Result<i64, StoreError> {
    col::<i32>(row, column).map(i64::from)
}

/// Connection failures, and a server shutting down or not yet accepting connections, mean "try
/// again later" (SQLSTATE class 08, and 57P01 to 57P03).
pub(crate) fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

pub use common::migrations::migrate;

/// The PostgreSQL implementation of every store port.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`). Does not migrate.
    ///
    /// # Errors
    /// [`StoreError`] when the URL is malformed or the server cannot be reached.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::unexpected("connect", e))?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            // Fail fast while the database is away, so requests get a 503 instead of hanging.
            .acquire_timeout(Duration::from_secs(3))
            .connect_with(options)
            .await
            .map_err(fail("connect"))?;
        Ok(Self { pool })
    }

    /// The pool, for tests that must reach under the ports (to tamper with the audit log).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn reader(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) fn writer(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) async fn begin_write(&self, operation: &'static str) -> Result<Transaction<'static, Db>, StoreError> {
        self.pool.begin().await.map_err(fail(operation))
    }
}
