//! Black-box tests of the HTTP API: a real server on a free port, a real database per test,
//! every test run against SQLite and against PostgreSQL.

mod helpers;
mod intake;
mod operations;
mod validation;
