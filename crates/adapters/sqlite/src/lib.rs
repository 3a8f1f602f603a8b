//! The store ports on SQLite, the embedded default: one file under the data directory, no
//! server. Writes take the database lock up front (`BEGIN IMMEDIATE`) so concurrent requests
//! queue for it instead of failing with "database is locked".

mod audit;
mod clients;
mod error;
mod migrations;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use ports::{HealthCheck, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

pub use migrations::migrate;

/// The SQLite implementation of every store port.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://path/to/file.db`, or
    /// `sqlite::memory:`), with WAL, foreign keys and a busy timeout. Does not migrate.
    ///
    /// # Errors
    /// [`StoreError`] when the URL is malformed or the file cannot be opened.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unexpected(e.into()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(error::store_error)?;
        Ok(Self { pool })
    }

    /// The pool, for tests that must reach under the ports (to tamper with the audit log).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(error::store_error)
    }
}

#[async_trait]
impl HealthCheck for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(error::store_error)?;
        Ok(())
    }
}
