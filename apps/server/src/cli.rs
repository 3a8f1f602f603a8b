//! The command line: `serve`, `migrate`, `jobs`, `audit verify|export`, `admin`, `compliance check`,
//! `pack verify`, `backup`, `restore`, `stripe sign-event`.

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "compliance-vault",
    version,
    about = "Keeps UK rental properties legally compliant and proves it."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default when no command is given). Migrates the database first.
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// The scheduled jobs, for cron: each prints one JSON summary; a period runs once.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Work with the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Portal administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The compliance engine.
    Compliance {
        #[command(subcommand)]
        command: ComplianceCommand,
    },
    /// Fill an empty development database with a demo portfolio (refused in production): an
    /// admin, whose password is printed once, clients on each plan, documents in every state.
    Demo,
    /// Compliance packs.
    Pack {
        #[command(subcommand)]
        command: PackCommand,
    },
    /// Back up what the server keeps in files into a new directory: the SQLite database (a
    /// consistent copy, while it serves), the local documents and the keys generated into the
    /// data directory, with a manifest of SHA-256s. PostgreSQL and S3 are named, not copied.
    Backup {
        /// A new or empty directory.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore a backup into the configured, empty data directory, checking every file against
    /// the manifest first and the audit chain after.
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Stripe helpers for operators testing webhooks by hand.
    Stripe {
        #[command(subcommand)]
        command: StripeCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Re-evaluate every ACTIVE client's properties, record status changes and queue the day's
    /// reminders (one email per client).
    Daily {
        /// The day to run for (YYYY-MM-DD); today in Europe/London by default. After today only
        /// with --dry-run in production.
        #[arg(long)]
        as_of: Option<String>,
        /// Compute and print the summary; write and send nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Queue each ACTIVE client's monthly digest.
    Monthly {
        /// The month to run for (YYYY-MM); this month by default.
        #[arg(long)]
        as_of: Option<String>,
        /// Compute and print the summary; write and send nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// Check a pack's ZIP offline: every file against manifest.sha256 and, with --key, the
    /// manifest's signature. Exits 1 naming the first file that fails. Needs no configuration.
    Verify {
        /// The pack (a .zip from the compliance-pack routes).
        file: std::path::PathBuf,
        /// The instance's public key as `GET /api/pack-key` serves it (base64).
        #[arg(long)]
        key: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum StripeCommand {
    /// Sign an event read from standard input as Stripe would: prints the value of the
    /// `Stripe-Signature` header to send with exactly those bytes.
    SignEvent {
        /// The webhook's signing secret (`whsec_...`); prefer the environment variable, which
        /// other users of the machine cannot see.
        #[arg(long, env = "STRIPE_WEBHOOK_SECRET", hide_env_values = true)]
        secret: String,
        /// Unix time to sign at; now by default.
        #[arg(long)]
        timestamp: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ComplianceCommand {
    /// Evaluate one property: JSON on standard input, the evaluation as JSON on standard output.
    /// The format is in docs/compliance-rules.md. Bad input exits with code 2.
    Check {
        /// The date to evaluate as of (YYYY-MM-DD); defaults to today in Europe/London.
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an admin. The password is read from a prompt (or from standard input when it is
    /// not a terminal), never from the command line, where other users could see it.
    Create {
        #[arg(long)]
        email: String,
    },
    /// Give an admin a new authenticator (TOTP) secret and ten recovery codes, replacing any
    /// earlier ones. Prints them once; required for admin routes in production.
    TotpEnrol {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Seal pending entries, then check the whole hash chain. Exits 1 if it is broken.
    Verify {
        /// Check only; do not seal pending entries first.
        #[arg(long)]
        no_seal: bool,
    },
    /// Print one client's entries as JSON lines, oldest first, each with its chain position,
    /// previous hash and hash (pending entries are sealed first). See docs/operations.md for what
    /// an export proves on its own.
    Export {
        /// The client's id.
        #[arg(long)]
        client: domain::ClientId,
        /// The first day (YYYY-MM-DD, UTC) to include.
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// The last day (YYYY-MM-DD, UTC) to include.
        #[arg(long, value_parser = parse_date)]
        to: Option<NaiveDate>,
    },
}

fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    raw.parse()
        .map_err(|_| format!("`{raw}` is not a date written YYYY-MM-DD"))
}
