//! Every store port on SQLite (the embedded default) and on PostgreSQL, from one source of SQL.
//!
//! The SQL both backends share is written once, in `src/common/`, as ordinary modules that each
//! backend mounts (`#[path]`) over its own small dialect: the database type, how an id is bound
//! and read (TEXT on SQLite, UUID on PostgreSQL), the row-locking clause, which pool writes, and
//! which failures mean "unavailable". Each backend compiles the common modules with its own
//! concrete types, so there are no trait bounds over `sqlx::Database` to satisfy and no macro
//! bodies that rustfmt cannot format. What truly differs stays in the backend's module: pools
//! and the single SQLite writer, migrations (one folder per backend), the one-statement intake
//! and the batched, advisory-locked sealing of PostgreSQL, and claiming email with `SKIP LOCKED`.
//! Both pass the whole store conformance suite (`tests/conformance.rs`).

// The common modules are mounted once per backend, on purpose: that is how they are one source.
#![allow(clippy::duplicate_mod)]

pub mod postgres;
pub mod sqlite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;
