//! The schema, embedded in the binary and applied by sqlx's migrator (locked, checksummed), and
//! whether the database answers. Each backend keeps its own folder of SQL (`migrations/sqlite`,
//! `migrations/postgres`), version for version, named here once.

use async_trait::async_trait;
use ports::{HealthCheck, StoreError};
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use super::Store;
use super::error::fail;
use super::specific::MIGRATION_SQL;

/// Every migration's version and description, in order. Applied ones must never change.
const MIGRATIONS: [(i64, &str); 12] = [
    (1, "init"),
    (2, "users"),
    (3, "second factor"),
    (4, "revoked sessions"),
    (5, "message logs"),
    (6, "billing and requirements"),
    (7, "documents"),
    (8, "epc exemptions"),
    (9, "evidence version"),
    (10, "jobs"),
    (11, "figures"),
    (12, "stored portfolios"),
];

fn migrator() -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .zip(MIGRATION_SQL)
        .map(|((version, description), sql)| {
            Migration::new(
                *version,
                (*description).into(),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

/// Brings the schema up to date; safe to run at every start.
///
/// # Errors
/// [`StoreError`] when a migration fails or an applied one was changed since.
pub async fn migrate(store: &Store) -> Result<(), StoreError> {
    migrator()
        .run(store.writer())
        .await
        .map_err(|e| StoreError::unexpected("migrate", e))
}

#[async_trait]
impl HealthCheck for Store {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(self.reader())
            .await
            .map_err(fail("ping"))?;
        Ok(())
    }
}
