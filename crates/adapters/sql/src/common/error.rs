//! Turning driver failures into the ports' `StoreError`, each naming its operation, and reading
//! columns back into domain values (a value that does not parse is corrupt data).

use ports::StoreError;
use sqlx::Row as _;

use super::{Db, Row, is_unavailable};

/// The failure of `operation`: `Unavailable` when the database cannot be reached (retry
/// later), `Unexpected` otherwise, with the driver's error as the cause.
pub(crate) fn fail(operation: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |error| {
        if is_unavailable(&error) {
            StoreError::unavailable(operation, error)
        } else {
            StoreError::unexpected(operation, error)
        }
    }
}

pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// A stored value that does not read back as its domain type: the data is corrupt.
pub(crate) fn corrupt(column: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::unexpected(
        "reading a row",
        format!("column `{column}` holds an invalid value: {error}"),
    )
}

/// A column of a row, or `corrupt` naming it.
pub(crate) fn col<'r, T: sqlx::Decode<'r, Db> + sqlx::Type<Db>>(row: &'r Row, name: &str) -> Result<T, StoreError> {
    row.try_get(name).map_err(|e| corrupt(name, e))
}

/// A text column parsed into a domain type (a status, a role, an email).
pub(crate) fn parsed<T: std::str::FromStr>(row: &Row, name: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    col::<String>(row, name)?.parse().map_err(|e| corrupt(name, e))
}

/// An optional text column parsed into a domain type.
pub(crate) fn parsed_opt<T: std::str::FromStr>(row: &Row, name: &str) -> Result<Option<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    col::<Option<String>>(row, name)?
        .map(|v| v.parse().map_err(|e| corrupt(name, e)))
        .transpose()
}
