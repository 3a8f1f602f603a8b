//! The `compliance-vault` binary's library: configuration, telemetry, the command-line tools,
//! the workers and the composition root that hands `vault-http` its services. The only crate
//! that names concrete adapters.

pub mod audit_export;
pub mod backup;
pub mod bounded;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod demo;
pub mod extraction;
pub mod jobs;
pub mod mail_worker;
pub mod rate_limit;
pub mod sealer;
pub mod security;
pub mod startup;
pub mod telemetry;
