//! The schema, embedded in the binary and applied by sqlx's migrator (locked, checksummed).

use ports::StoreError;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::SqliteStore;

fn migrator() -> Migrator {
    Migrator::with_migrations(vec![Migration::new(
        1,
        "init".into(),
        MigrationType::Simple,
        include_str!("../migrations/0001_init.sql").into_sql_str(),
        false,
    )])
}

/// Brings the schema up to date; safe to run at every start.
///
/// # Errors
/// [`StoreError`] when a migration fails or an applied one was changed since.
pub async fn migrate(store: &SqliteStore) -> Result<(), StoreError> {
    migrator()
        .run(&store.writer)
        .await
        .map_err(|e| StoreError::Unexpected(e.into()))
}
