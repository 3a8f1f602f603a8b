//! Turning driver errors into the ports' errors.

use ports::StoreError;
use sqlx::Row;
use sqlx::postgres::PgRow;

/// Connection-level failures (and a server shutting down) are `Unavailable`: retry later.
pub(crate) fn store_error(error: sqlx::Error) -> StoreError {
    let unavailable = match &error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        // Class 08 is "connection exception"; 57P01..03 are shutdown and "cannot connect now".
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    };
    if unavailable {
        StoreError::Unavailable(error.into())
    } else {
        StoreError::Unexpected(error.into())
    }
}

pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|db| db.is_unique_violation())
}

/// A stored value that does not parse back into its domain type: the data is corrupt.
pub(crate) fn corrupt(column: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Unexpected(format!("column `{column}` holds an invalid value: {error}").into())
}

/// A column of a row, or `corrupt` naming it.
pub(crate) fn col<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(
    row: &'r PgRow,
    name: &str,
) -> Result<T, StoreError> {
    row.try_get(name).map_err(|e| corrupt(name, e))
}

pub(crate) fn parsed<T: std::str::FromStr>(row: &PgRow, name: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    col::<String>(row, name)?.parse().map_err(|e| corrupt(name, e))
}
