//! The store ports on SQLite, the embedded default: one file under the data directory, no
//! server. SQLite allows one writer at a time, so writes go through a pool of exactly one
//! connection: concurrent requests queue for it in order, instead of racing for the file lock
//! and sleeping in SQLite's busy handler (which left the slowest 1% waiting over a second).
//! Reads use a pool of their own and run beside the writer (WAL).

mod audit;
mod clients;
mod documents;
mod error;
mod messages;
mod migrations;
mod payments;
mod provisioning;
mod second_factor;
mod sessions;
mod users;

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
    /// Readers, `max_connections` of them.
    pool: SqlitePool,
    /// The one writer.
    writer: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://path/to/file.db`), with WAL,
    /// foreign keys and a busy timeout (for other processes writing the same file). Does not
    /// migrate.
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
        let pool_of = |size: u32| {
            SqlitePoolOptions::new()
                .max_connections(size)
                .acquire_timeout(Duration::from_secs(10))
        };
        let writer = pool_of(1)
            .connect_with(options.clone())
            .await
            .map_err(error::store_error)?;
        let pool = pool_of(max_connections.max(1))
            .connect_with(options)
            .await
            .map_err(error::store_error)?;
        Ok(Self { pool, writer })
    }

    /// The writer's pool, for tests that must reach under the ports (to tamper with the audit log).
    pub fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// A write transaction on the writer. `IMMEDIATE` takes the file lock at once, so a write by
    /// another process makes this one wait for the lock rather than fail halfway through.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.writer
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
