//! Black-box tests of the HTTP API: a real server on a free port, a real database per test,
//! every test run against SQLite and against PostgreSQL.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod access_helpers;
mod backup;
mod browser;
mod calls;
mod console;
mod documents;
mod documents_http;
mod guards;
mod hardening;
mod hardening_accounts;
mod helpers;
mod intake;
mod jobs;
mod limits;
mod messages;
mod metrics;
mod operations;
mod pack;
mod pages;
mod payments;
mod recovery;
mod secrets;
mod upload_limits;
mod validation;
