//! The `compliance-vault` binary's library: configuration, telemetry, the HTTP API, the
//! command-line tools and the composition root. The only crate that names concrete adapters.

pub mod bounded;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod extraction;
pub mod mail_worker;
pub mod rate_limit;
pub mod sealer;
pub mod security;
pub mod startup;
pub mod telemetry;
