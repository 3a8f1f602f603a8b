//! The mail adapters from the outside: rendering, the outbox's file contract, and SMTP against a
//! real (embedded) SMTP server.

// Helpers outside `#[test]` functions are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;
mod outbox;
mod render;
mod smtp;
mod smtp_server;
