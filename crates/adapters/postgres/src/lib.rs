//! The store ports on PostgreSQL, for production and for several instances at once.

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
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

pub use migrations::migrate;

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
        let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::Unexpected(e.into()))?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            // Fail fast while the database is away, so requests get a 503 instead of hanging.
            .acquire_timeout(Duration::from_secs(3))
            .connect_with(options)
            .await
            .map_err(error::store_error)?;
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
}

#[async_trait]
impl HealthCheck for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(error::store_error)?;
        Ok(())
    }
}
