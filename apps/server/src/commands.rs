//! What each subcommand does. Results go to standard output, diagnostics to standard error;
//! the exit code says whether it worked (1: failed or found a problem, 2: bad input).

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{AuditCommand, Cli, Command};
use crate::config::Settings;
use crate::startup::{Application, open_store};
use crate::telemetry;

/// Runs one command to completion.
pub async fn run(cli: Cli) -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&settings).await,
        Command::Migrate => migrate(&settings).await,
        Command::Audit {
            command: AuditCommand::Verify { no_seal },
        } => audit_verify(&settings, no_seal).await,
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::FAILURE
    })
}

async fn serve(settings: &Settings) -> anyhow::Result<ExitCode> {
    tracing::info!(settings = ?settings, "starting");
    let application = Application::build(settings).await?;
    tracing::info!(address = %settings.bind_addr.ip(), port = application.port(), "listening");
    application.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}

async fn migrate(settings: &Settings) -> anyhow::Result<ExitCode> {
    let (_store, backend) = open_store(settings).await?;
    writeln!(std::io::stdout(), "{backend} database is up to date")?;
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(settings: &Settings, no_seal: bool) -> anyhow::Result<ExitCode> {
    let (store, _) = open_store(settings).await?;
    if !no_seal {
        app::audit::seal_all(&*store).await?;
    }
    let report = app::audit::verify_chain(&*store).await?;
    let mut out = std::io::stdout().lock();
    match report.break_at {
        None => {
            writeln!(
                out,
                "OK: {} entries verified; {} not yet sealed",
                report.verified, report.unsealed
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            let id = broken.entry_id.map(|id| format!(" (id {id})")).unwrap_or_default();
            writeln!(out, "BROKEN at entry {}{id}: {}", broken.seq, broken.problem)?;
            writeln!(
                out,
                "{} entries before it verified; {} not yet sealed",
                report.verified, report.unsealed
            )?;
            Ok(ExitCode::FAILURE)
        }
    }
}
