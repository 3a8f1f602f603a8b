//! Turning driver errors into the ports' errors.

use ports::StoreError;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

/// Connection-level failures are `Unavailable` (retry later); everything else is `Unexpected`.
pub(crate) fn store_error(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(error.into())
        }
        other => StoreError::Unexpected(other.into()),
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
pub(crate) fn col<'r, T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>>(
    row: &'r SqliteRow,
    name: &str,
) -> Result<T, StoreError> {
    row.try_get(name).map_err(|e| corrupt(name, e))
}

pub(crate) fn parsed<T: std::str::FromStr>(row: &SqliteRow, name: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    col::<String>(row, name)?.parse().map_err(|e| corrupt(name, e))
}
