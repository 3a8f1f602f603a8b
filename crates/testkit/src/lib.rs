//! Test support shared by every crate's tests: fixtures, a fixed clock, in-memory adapters,
//! per-test PostgreSQL databases, mocks of the ports, and the conformance suites every adapter of
//! a port must pass.
//! A dev-dependency only: nothing here ships.

// Test support: a failed expectation here is a failed test, which is what a panic reports.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod conformance;
pub mod fake_hasher;
pub mod fixtures;
pub mod memory;
pub mod mocks;
pub mod services;

pub use fake_hasher::FakeHasher;
pub use fixtures::FixedClock;
