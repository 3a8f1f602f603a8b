//! The schema, embedded in the binary and applied by sqlx's migrator (locked, checksummed).

use ports::StoreError;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::SqliteStore;

/// Every migration, in order: (version, description, SQL). Applied ones must never change.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "users", include_str!("../migrations/0002_users.sql")),
    (3, "second factor", include_str!("../migrations/0003_second_factor.sql")),
    (
        4,
        "revoked sessions",
        include_str!("../migrations/0004_revoked_sessions.sql"),
    ),
    (5, "message logs", include_str!("../migrations/0005_message_logs.sql")),
    (
        6,
        "billing and requirements",
        include_str!("../migrations/0006_billing_and_requirements.sql"),
    ),
    (7, "documents", include_str!("../migrations/0007_documents.sql")),
    (
        8,
        "epc exemptions",
        include_str!("../migrations/0008_epc_exemptions.sql"),
    ),
    (
        9,
        "evidence version",
        include_str!("../migrations/0009_evidence_version.sql"),
    ),
];

fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|(version, description, sql)| {
                Migration::new(
                    *version,
                    (*description).into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
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
