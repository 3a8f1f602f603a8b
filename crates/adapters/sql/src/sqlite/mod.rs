//! The store ports on SQLite, the embedded default: one file under the data directory, no
//! server. SQLite allows one writer at a time, so writes go through a pool of exactly one
//! connection: concurrent requests queue for it in order, instead of racing for the file lock
//! and sleeping in SQLite's busy handler (which left the slowest 1% waiting over a second).
//! Reads use a pool of their own and run beside the writer (WAL).
//!
//! This module is the SQLite dialect the common modules are compiled against; `specific` holds
//! what only SQLite does.

#[path = "../common/mod.rs"]
mod common;
pub(crate) mod page;
pub(crate) mod specific;

use std::str::FromStr;
use std::time::Duration;

use ports::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use uuid::Uuid;

use common::error::{col, corrupt, fail};

pub(crate) type Db = Sqlite;
pub(crate) type Conn = sqlx::SqliteConnection;
pub(crate) type Row = sqlx::sqlite::SqliteRow;
pub(crate) type Store = SqliteStore;

/// No row locks: the write transaction holds the whole database.
pub(crate) const FOR_UPDATE: &str = "";
/// No skipping either: the single writer claims alone.
pub(crate) const SKIP_LOCKED: &str = "";

/// A password token used within a day of being issued. Day arithmetic through julianday, as timestamps are TEXT.
pub(crate) const USED_WITHIN_A_DAY: &str = "julianday(used_at) - julianday(created_at) <= 1.0";

/// Ids are stored as TEXT.
pub(crate) fn id(uuid: Uuid) -> String {
    uuid.to_string()
}

pub(crate) fn uuid(row: &Row, column: &str) -> Result<Uuid, StoreError> {
    col::<String>(row, column)?.parse().map_err(|e| corrupt(column, e))
}

pub(crate) fn opt_uuid(row: &Row, column: &str) -> Result<Option<Uuid>, StoreError> {
    col::<Option<String>>(row, column)?
        .map(|v| v.parse().map_err(|e| corrupt(column, e)))
        .transpose()
}

/// An INTEGER column (64 bits on SQLite).
pub(crate) fn int(row: &Row, column: &str) -> Result<i64, StoreError> {
    col(row, column)
}

/// Losing the file or the pool means "try again later"; anything else is a bug or bad data.
pub(crate) fn is_unavailable(error: &sqlx::Error) -> bool {
    matches!(
        error,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
    )
}

pub use common::migrations::migrate;

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
            .map_err(|e| StoreError::unexpected("connect", e))?
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
            .map_err(fail("connect"))?;
        let pool = pool_of(max_connections.max(1))
            .connect_with(options)
            .await
            .map_err(fail("connect"))?;
        Ok(Self { pool, writer })
    }

    /// The writer's pool, for tests that must reach under the ports (to tamper with the audit log).
    pub fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    /// Writes a consistent copy of the whole database into the new file `path` (`VACUUM INTO`)
    /// while the store goes on serving: readers and the writer are not held up.
    ///
    /// # Errors
    /// [`StoreError`] when the copy cannot be written (the file exists, the disk is full).
    pub async fn backup_into(&self, path: &std::path::Path) -> Result<(), StoreError> {
        sqlx::query("VACUUM INTO $1")
            .bind(path.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await
            .map_err(fail("backup_into"))?;
        Ok(())
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    pub(crate) fn reader(&self) -> &SqlitePool {
        &self.pool
    }

    pub(crate) fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// A write transaction on the writer. `IMMEDIATE` takes the file lock at once, so a write by
    /// another process makes this one wait for the lock rather than fail halfway through.
    pub(crate) async fn begin_write(&self, operation: &'static str) -> Result<Transaction<'static, Db>, StoreError> {
        self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(fail(operation))
    }
}
