//! What each subcommand does. Results go to standard output, diagnostics to standard error;
//! the exit code says whether it worked (1: failed or found a problem, 2: bad input).

use std::io::Write;
use std::process::ExitCode;

use std::io::Read;

use crate::cli::{
    AdminCommand, AuditCommand, Cli, Command, ComplianceCommand, JobsCommand, PackCommand, StripeCommand,
};
use crate::config::Settings;
use crate::startup::{Application, open_store};
use crate::telemetry;

/// Runs one command to completion.
pub async fn run(cli: Cli) -> ExitCode {
    // The engine needs no configuration and no database: it runs even where the server could not.
    if let Some(Command::Compliance {
        command: ComplianceCommand::Check { today },
    }) = cli.command
    {
        return compliance_check(today);
    }
    if let Some(Command::Pack {
        command: PackCommand::Verify { file, key },
    }) = &cli.command
    {
        return pack_verify(file, key.as_deref());
    }
    if let Some(Command::Stripe {
        command: StripeCommand::SignEvent { secret, timestamp },
    }) = &cli.command
    {
        return stripe_sign_event(secret, *timestamp);
    }
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
        Command::Demo => crate::demo::command(&settings).await,
        Command::Backup { to } => crate::backup::backup(&settings, &to).await,
        Command::Restore { from } => crate::backup::restore(&settings, &from).await,
        Command::Jobs {
            command: JobsCommand::Daily { as_of, dry_run },
        } => crate::jobs::command(&settings, domain::JobKind::Daily, as_of.as_deref(), dry_run).await,
        Command::Jobs {
            command: JobsCommand::Monthly { as_of, dry_run },
        } => crate::jobs::command(&settings, domain::JobKind::Monthly, as_of.as_deref(), dry_run).await,
        Command::Audit {
            command: AuditCommand::Verify { no_seal },
        } => audit_verify(&settings, no_seal).await,
        Command::Audit {
            command: AuditCommand::Export { client, from, to },
        } => crate::audit_export::command(&settings, client, from, to).await,
        Command::Compliance {
            command: ComplianceCommand::Check { today },
        } => Ok(compliance_check(today)),
        Command::Stripe {
            command: StripeCommand::SignEvent { secret, timestamp },
        } => Ok(stripe_sign_event(&secret, timestamp)),
        Command::Pack {
            command: PackCommand::Verify { file, key },
        } => Ok(pack_verify(&file, key.as_deref())),
        Command::Admin {
            command: AdminCommand::Create { email },
        } => admin_create(&settings, &email).await,
        Command::Admin {
            command: AdminCommand::TotpEnrol { email },
        } => admin_totp_enrol(&settings, &email).await,
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

/// Reads one property with its evidence from standard input and prints its evaluation.
fn compliance_check(today: Option<chrono::NaiveDate>) -> ExitCode {
    let today = today.unwrap_or_else(|| domain::uk_date(chrono::Utc::now()));
    let mut input = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("error: reading standard input: {error}");
        return ExitCode::from(2);
    }
    match compliance::check_json(&input, today) {
        Ok(output) => match writeln!(std::io::stdout(), "{output}") {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: writing standard output: {error}");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

async fn admin_create(settings: &Settings, email: &str) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;

    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("Password for {email}: "))?
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    let tools = AccessTools::open(settings).await?;
    let ctx = app::RequestContext::system();
    match app::access::create_admin(tools.services(settings), email, &password, &ctx).await {
        Ok(user) => {
            app::audit::seal_all(&*tools.store).await?;
            writeln!(std::io::stdout(), "created admin {} ({})", user.email, user.id)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(app::access::CreateAdminError::Failure(failure)) => Err(anyhow::anyhow!(failure)),
        Err(refused) => {
            eprintln!("error: {refused}");
            Ok(ExitCode::from(2))
        }
    }
}

async fn admin_totp_enrol(settings: &Settings, email: &str) -> anyhow::Result<ExitCode> {
    let tools = AccessTools::open(settings).await?;
    let ctx = app::RequestContext::system();
    match app::access::enrol_second_factor(tools.services(settings), email, &ctx).await {
        Ok(enrolment) => {
            app::audit::seal_all(&*tools.store).await?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "Add this to the authenticator app (as a QR code or by hand):")?;
            writeln!(out, "  {}", enrolment.provisioning_uri)?;
            writeln!(out, "  secret: {}", enrolment.secret_base32)?;
            writeln!(
                out,
                "Recovery codes, each usable once instead of a code; keep them offline:"
            )?;
            for code in &enrolment.recovery_codes {
                writeln!(out, "  {code}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(app::access::EnrolError::Failure(failure)) => Err(anyhow::anyhow!(failure)),
        Err(refused) => {
            eprintln!("error: {refused}");
            Ok(ExitCode::from(2))
        }
    }
}

/// What the admin commands need: the store, a rate limiter and a session signer.
struct AccessTools {
    store: std::sync::Arc<dyn ports::Store>,
    limiter: std::sync::Arc<dyn ports::RateLimiter>,
    sessions: identity::SessionSigner,
    links: app::mail::Links,
    hasher: crate::security::Argon2Hasher,
    totp_key: identity::TotpKey,
}

impl AccessTools {
    async fn open(settings: &Settings) -> anyhow::Result<Self> {
        let (store, _) = open_store(settings).await?;
        let limiter = crate::startup::open_rate_limiter(settings).await?;
        let sessions = crate::startup::session_signer(settings)?;
        Ok(Self {
            store,
            limiter,
            sessions,
            links: settings.links(),
            hasher: crate::startup::password_hasher(settings),
            totp_key: crate::startup::totp_key(settings)?,
        })
    }

    fn services(&self, settings: &Settings) -> app::access::AccessServices<'_> {
        app::access::AccessServices {
            store: &*self.store,
            clock: &crate::clock::SystemClock,
            limiter: &*self.limiter,
            hasher: &self.hasher,
            sessions: &self.sessions,
            rng: &crate::security::OsRandom,
            login_limits: settings.login_limits,
            links: &self.links,
            totp_key: &self.totp_key,
        }
    }
}

/// Prints the `Stripe-Signature` header for the bytes on standard input.
fn stripe_sign_event(secret: &str, timestamp: Option<i64>) -> ExitCode {
    let mut payload = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut payload) {
        eprintln!("error: reading the event from standard input: {error}");
        return ExitCode::from(2);
    }
    let at = timestamp.unwrap_or_else(|| chrono::Utc::now().timestamp());
    let header = adapter_stripe::sign(&payload, secret, at);
    if writeln!(std::io::stdout(), "{header}").is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// `pack verify`: offline, no configuration, no database.
fn pack_verify(file: &std::path::Path, key: Option<&str>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let (line, code) = match adapter_pack::verify_pack(file, key) {
        Ok(verified) => {
            let signature = if verified.signature_checked {
                "the signature of manifest.sha256 is valid under the key given"
            } else {
                "the signature was NOT checked: give --key with the public key from GET /api/pack-key"
            };
            let line = format!("OK: {} files match manifest.sha256; {signature}", verified.files);
            (line, ExitCode::SUCCESS)
        }
        Err(failure) => (format!("FAILED: {failure}"), ExitCode::FAILURE),
    };
    if writeln!(out, "{line}").is_err() {
        return ExitCode::FAILURE;
    }
    code
}
