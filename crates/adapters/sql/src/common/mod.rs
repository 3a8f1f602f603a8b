//! The SQL both backends share, written once. Each backend mounts this module (`#[path]`) and
//! so compiles it against its own dialect, which the `use` below brings in: the database type
//! and its row and connection, how an id is bound (`id`) and read (`uuid`, `opt_uuid`), an
//! INTEGER column (`int`), the row-locking clauses, which failures mean "unavailable", the
//! store's pools, and the few statements only that backend writes its own way (`specific`).

pub(crate) mod admin;
pub(crate) mod audit;
pub(crate) mod clients;
pub(crate) mod documents;
pub(crate) mod error;
pub(crate) mod figures;
pub(crate) mod jobs;
pub(crate) mod messages;
pub(crate) mod migrations;
pub(crate) mod payments;
pub(crate) mod portfolios;
pub(crate) mod provisioning;
pub(crate) mod second_factor;
pub(crate) mod sessions;
pub(crate) mod snapshots;
pub(crate) mod stored_portfolios;
pub(crate) mod users;

pub(crate) use super::{
    Conn, Db, FOR_UPDATE, Row, SKIP_LOCKED, Store, USED_WITHIN_A_DAY, id, int, is_unavailable, opt_uuid, page,
    specific, uuid,
};
