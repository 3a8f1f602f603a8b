//! Entry point: parse the command line and run the chosen command.

use std::process::ExitCode;

use clap::Parser;
use compliance_vault::cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    compliance_vault::commands::run(Cli::parse()).await
}
