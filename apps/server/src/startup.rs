//! The composition root: opens the store named by the settings, wires the ports into the HTTP
//! application, binds the listener and runs until SIGTERM/SIGINT, sealing the audit chain last.

use adapter_pack::Ed25519PackSigner;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{HttpServer, web};
use adapter_postmark::{PostmarkMailer, PostmarkSettings};
use adapter_redis::RedisRateLimiter;
use adapter_smtp::outbox::OutboxMailer;
use adapter_smtp::smtp::SmtpMailer;
use adapter_sql::{PgStore, SqliteStore};
use adapter_storage::{LocalDocumentStore, S3DocumentStore, S3Settings};
use adapter_stripe::StripeWebhook;
use adapter_stripe::gateway::{StripeGateway, StripePrices, StripeSettings};
use anyhow::Context;
use app::onboarding::IntakeLimits;
use ports::{DocumentStore, Mailer, PaymentGateway, RateLimiter, Store};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Notify, watch};

use crate::clock::SystemClock;
use crate::config::{DocumentStorage, MailSettings, MailTransport, Settings};
use crate::extraction::ExtractionPool;
use crate::mail_worker::MailWorker;
use crate::rate_limit::{FallbackRateLimiter, InMemoryRateLimiter};
use crate::sealer;
use crate::security::{Argon2Hasher, OsRandom};
use identity::{SessionSigner, TotpKey};
use vault_http::AppState;

/// Opens and migrates the configured store: SQLite (creating the data directory) or PostgreSQL.
///
/// # Errors
/// When the database cannot be opened or migrated.
pub async fn open_store(settings: &Settings) -> anyhow::Result<(Arc<dyn Store>, &'static str)> {
    let url = settings.database_url();
    if settings.uses_sqlite() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
        let store = SqliteStore::connect(&url, settings.database_max_connections)
            .await
            .context("opening the SQLite database")?;
        adapter_sql::sqlite::migrate(&store)
            .await
            .context("migrating the SQLite database")?;
        Ok((Arc::new(store), "sqlite"))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let store = PgStore::connect(&url, settings.database_max_connections)
            .await
            .context("connecting to PostgreSQL")?;
        adapter_sql::postgres::migrate(&store)
            .await
            .context("migrating the PostgreSQL database")?;
        Ok((Arc::new(store), "postgres"))
    } else {
        anyhow::bail!("DATABASE_URL: must start with sqlite:, postgres: or postgresql:")
    }
}

/// The rate limiter: Redis, shared by every instance, when `REDIS_URL` is set, with this
/// instance's memory standing in while Redis is away; else in memory.
///
/// # Errors
/// When Redis is configured but cannot be reached.
pub async fn open_rate_limiter(settings: &Settings) -> anyhow::Result<Arc<dyn RateLimiter>> {
    match &settings.redis_url {
        Some(url) => {
            let limiter = RedisRateLimiter::connect(url.expose_secret(), &settings.redis_key_prefix)
                .await
                .context("connecting to Redis (REDIS_URL)")?;
            let local = InMemoryRateLimiter::with_capacity(settings.limits.rate_limit_capacity);
            Ok(Arc::new(FallbackRateLimiter::new(limiter, local)))
        }
        None => Ok(Arc::new(InMemoryRateLimiter::with_capacity(
            settings.limits.rate_limit_capacity,
        ))),
    }
}

/// The session signer: `JWT_SECRET`, or in development a random secret for this process only
/// (sessions then end when it restarts; production refuses to start without a strong secret).
///
/// # Errors
/// When the secret is shorter than 32 bytes.
pub fn session_signer(settings: &Settings) -> anyhow::Result<SessionSigner> {
    let secret = match &settings.jwt_secret {
        Some(secret) => secret.expose_secret().as_bytes().to_vec(),
        None => {
            tracing::info!("JWT_SECRET is unset: using a random secret, so sessions end when the server restarts");
            let mut secret = vec![0u8; 32];
            identity::RandomSource::fill(&OsRandom, &mut secret);
            secret
        }
    };
    let ttl = chrono::Duration::from_std(settings.session_ttl).context("JWT_EXPIRATION_HOURS is out of range")?;
    SessionSigner::new(&secret, SESSION_ISSUER, SESSION_AUDIENCE, ttl).context("JWT_SECRET: must be at least 32 bytes")
}

/// Where development keys are kept when their settings are unset.
/// The keys generated into the data directory in development (and kept by `backup`).
pub const TOTP_KEY_FILE: &str = "totp-encryption.key";
pub const PACK_KEY_FILE: &str = "pack-signing.key";

/// A key given in its setting, or in development one generated once into the data directory
/// as `file` (production refuses to start without the setting).
fn key_or_generated<K>(
    settings: &Settings,
    setting: (&str, Option<&SecretString>),
    file: &str,
    parse: impl Fn(&str) -> anyhow::Result<K>,
    generate: impl FnOnce() -> (K, String),
) -> anyhow::Result<K> {
    let (name, value) = setting;
    if let Some(key) = value {
        return parse(key.expose_secret()).context(name.to_owned());
    }
    let path = settings.data_dir.join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text).with_context(|| format!("reading the key in {}", path.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(&settings.data_dir)
                .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
            let (key, text) = generate();
            write_private(&path, &text)?;
            tracing::info!(path = %path.display(), "{name} is unset: generated a key into the data directory");
            Ok(key)
        }
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}

/// The key that encrypts admins' TOTP secrets: `TOTP_ENCRYPTION_KEY`, or in development a key
/// generated once into the data directory.
///
/// # Errors
/// When the key file cannot be read or written, or holds no key.
pub fn totp_key(settings: &Settings) -> anyhow::Result<TotpKey> {
    key_or_generated(
        settings,
        ("TOTP_ENCRYPTION_KEY", settings.totp_encryption_key.as_ref()),
        TOTP_KEY_FILE,
        |text| Ok(TotpKey::from_base64(text)?),
        || {
            let key = TotpKey::generate(&OsRandom);
            let text = key.to_base64();
            (key, text)
        },
    )
}

/// The key that signs compliance packs: `PACK_SIGNING_KEY`, or in development a key generated
/// once into the data directory.
///
/// # Errors
/// When the key file cannot be read or written, or holds no key.
pub fn pack_signer(settings: &Settings) -> anyhow::Result<Ed25519PackSigner> {
    key_or_generated(
        settings,
        ("PACK_SIGNING_KEY", settings.pack_signing_key.as_ref()),
        PACK_KEY_FILE,
        |text| Ok(Ed25519PackSigner::from_base64(text)?),
        || {
            let mut seed = [0u8; 32];
            identity::RandomSource::fill(&OsRandom, &mut seed);
            let signer = Ed25519PackSigner::from_seed(seed);
            let text = signer.seed_base64();
            (signer, text)
        },
    )
}

/// Writes a new file readable by its owner only; refuses to replace one that exists.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

/// The password hasher, bounded as the settings say.
pub fn password_hasher(settings: &Settings) -> Argon2Hasher {
    Argon2Hasher::new(
        settings.limits.password_hash_concurrency,
        settings.limits.password_hash_queue,
    )
}

/// The mailer the settings name: Postmark, SMTP, or the outbox under the data directory.
///
/// # Errors
/// When the Postmark or SMTP settings are malformed.
pub fn open_mailer(settings: &Settings) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match &settings.mail.transport {
        MailTransport::Postmark {
            server_token,
            from,
            api_base,
            message_stream,
        } => {
            let mut postmark = PostmarkSettings::new(server_token.clone(), from.clone());
            postmark.api_base.clone_from(api_base);
            postmark.message_stream.clone_from(message_stream);
            Arc::new(
                PostmarkMailer::new(postmark).context("POSTMARK_SERVER_TOKEN / POSTMARK_FROM / POSTMARK_API_BASE")?,
            )
        }
        MailTransport::Smtp { url, from } => {
            Arc::new(SmtpMailer::from_url(url.expose_secret(), from).context("SMTP_URL / SMTP_FROM")?)
        }
        MailTransport::Outbox => {
            let dir = MailSettings::outbox_dir(&settings.data_dir);
            tracing::info!(dir = %dir.display(), "no mail provider configured: emails are written to the outbox");
            Arc::new(OutboxMailer::new(dir))
        }
    })
}

/// Where evidence files are kept: the configured directory (created if missing) or S3 bucket.
///
/// # Errors
/// When the directory cannot be created or the S3 settings are unusable.
pub fn open_document_store(settings: &Settings) -> anyhow::Result<Arc<dyn DocumentStore>> {
    Ok(match &settings.documents {
        DocumentStorage::Local(root) => {
            std::fs::create_dir_all(root)
                .with_context(|| format!("creating the documents directory {}", root.display()))?;
            Arc::new(LocalDocumentStore::new(root.clone()))
        }
        DocumentStorage::S3 {
            bucket,
            prefix,
            endpoint,
            region,
            access_key_id,
            secret_access_key,
        } => Arc::new(
            S3DocumentStore::new(S3Settings {
                bucket: bucket.clone(),
                prefix: prefix.clone(),
                allow_http: endpoint.as_deref().is_some_and(|e| e.starts_with("http://")),
                endpoint: endpoint.clone(),
                region: region.clone(),
                access_key_id: access_key_id.clone(),
                secret_access_key: secret_access_key.expose_secret().to_owned(),
            })
            .context("DOCUMENT_STORE / S3_*")?,
        ),
    })
}

/// The Stripe gateway when `STRIPE_API_KEY` is set.
///
/// # Errors
/// When the Stripe settings are malformed.
pub fn open_payment_gateway(settings: &Settings) -> anyhow::Result<Option<Arc<dyn PaymentGateway>>> {
    let Some(stripe) = &settings.payments.checkout else {
        return Ok(None);
    };
    let gateway = StripeGateway::new(StripeSettings {
        api_key: stripe.api_key.clone(),
        api_base: stripe.api_base.clone(),
        prices: StripePrices {
            plan_1: stripe.price_plan_1.clone(),
            plan_2_5: stripe.price_plan_2_5.clone(),
            plan_6_15: stripe.price_plan_6_15.clone(),
        },
        timeout: Duration::from_secs(10),
    })
    .context("STRIPE_API_KEY / STRIPE_PRICE_* / STRIPE_API_BASE")?;
    Ok(Some(Arc::new(gateway)))
}

/// Forgot-password lookups waiting or running at once; beyond them the answer is 503.
const BACKGROUND_TASKS: usize = 256;

/// Who signs session tokens, and for whom; checked on every token.
const SESSION_ISSUER: &str = "compliance-vault";
const SESSION_AUDIENCE: &str = "compliance-vault-portal";

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    store: Arc<dyn Store>,
    seal_interval: Duration,
    mail_worker: MailWorker,
    scheduler: Option<crate::jobs::Scheduler>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

/// What the server runs on: the handlers' state, the delivery worker and the scheduler, built
/// from the settings. The server serves it; `demo` uses the same use cases through it.
pub struct Services {
    pub state: AppState,
    pub mail_worker: MailWorker,
    pub scheduler: Option<crate::jobs::Scheduler>,
}

impl std::fmt::Debug for Services {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Services")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// # Errors
/// When the store, the mailer, a key or an adapter cannot be opened.
pub async fn services(settings: &Settings) -> anyhow::Result<Services> {
    let (store, backend) = open_store(settings).await?;
    let totp_key = Arc::new(totp_key(settings)?);
    let mailer = open_mailer(settings)?;
    let clock: Arc<dyn ports::Clock> = Arc::new(SystemClock);
    let rng: Arc<dyn identity::RandomSource> = Arc::new(OsRandom);
    let mail_wakeup = Arc::new(Notify::new());
    let mail_worker = MailWorker {
        store: Arc::clone(&store),
        mailer: Arc::clone(&mailer),
        clock: Arc::clone(&clock),
        rng: Arc::clone(&rng),
        policy: settings.mail.policy,
        poll_interval: settings.mail.poll_interval,
        wakeup: Arc::clone(&mail_wakeup),
    };
    let links = Arc::new(settings.links());
    let scheduler = settings.jobs.schedule.map(|schedule| crate::jobs::Scheduler {
        store: Arc::clone(&store),
        clock: Arc::clone(&clock),
        links: Arc::clone(&links),
        config: settings.jobs.clone(),
        schedule,
        mail_wakeup: Arc::clone(&mail_wakeup),
    });
    let state = AppState {
        store: Arc::clone(&store),
        clock,
        rate_limiter: open_rate_limiter(settings).await?,
        intake_limits: IntakeLimits {
            per_address: settings.intake_limit_per_minute,
            window: Duration::from_secs(60),
        },
        backend,
        hasher: Arc::new(password_hasher(settings)),
        sessions: Arc::new(session_signer(settings)?),
        rng,
        secure_cookies: settings.secure_cookies(),
        admin_second_factor_required: settings.admin_second_factor_required(),
        login_limits: settings.login_limits,
        links,
        mail_wakeup,
        mailer: mailer.name(),
        postmark_webhook: settings.mail.webhook_credentials.clone().map(Arc::new),
        dev_checkout: settings.environment != crate::config::Environment::Production
            && settings.payments.checkout.is_none(),
        payments: open_payment_gateway(settings)?,
        payment_webhook: settings
            .payments
            .webhook_secret
            .clone()
            .map(|secret| Arc::new(StripeWebhook::new(secret)) as Arc<dyn ports::PaymentWebhook>),
        trusted_proxies: Arc::from(settings.trusted_proxies.as_slice()),
        documents: open_document_store(settings)?,
        upload_limits: app::documents::UploadLimits {
            max_bytes: settings.max_upload_bytes,
            quota_bytes: settings.limits.upload_quota_bytes,
            per_user_per_hour: settings.limits.uploads_per_user_per_hour,
        },
        text_reader: Arc::new(ExtractionPool::for_this_machine(Arc::new(adapter_pdf::PdfText))),
        totp_key,
        pack_renderer: Arc::new(adapter_pack::PdfPackRenderer),
        metrics: Arc::default(),
        metrics_token: settings.metrics_token.clone().map(Arc::new),
        pack_archiver: Arc::new(adapter_pack::ZipPackArchiver),
        pack_signer: Arc::new(pack_signer(settings)?),
        unaudited_refusals: Arc::default(),
        background: vault_http::background::BoundedTasks::new(BACKGROUND_TASKS),
    };
    Ok(Services {
        state,
        mail_worker,
        scheduler,
    })
}

impl Application {
    /// Opens the store, binds `settings.bind_addr` (port 0 picks a free one) and builds the server.
    ///
    /// # Errors
    /// When the store cannot be opened or the address cannot be bound.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let listener =
            TcpListener::bind(settings.bind_addr).with_context(|| format!("binding {}", settings.bind_addr))?;
        let port = listener.local_addr()?.port();
        let Services {
            state,
            mail_worker,
            scheduler,
        } = services(settings).await?;
        let store = Arc::clone(&state.store);
        let encrypted = app::access::encrypt_clear_second_factors(state.access())
            .await
            .context("encrypting TOTP secrets stored in the clear")?;
        if encrypted > 0 {
            tracing::info!(encrypted, "encrypted TOTP secrets that were stored in the clear");
        }
        let openapi =
            web::Data::new(serde_json::to_value(vault_http::openapi()).context("serialising the OpenAPI document")?);
        let cors_origins = settings.cors_allowed_origins.clone();
        let server = HttpServer::new(move || vault_http::app(state.clone(), openapi.clone(), cors_origins.clone()))
            .workers(usize::try_from(settings.http_workers).unwrap_or(1))
            .listen(listener)?
            .shutdown_timeout(10)
            .run();
        Ok(Self {
            port,
            server,
            store,
            seal_interval: settings.audit_seal_interval,
            mail_worker,
            scheduler,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop, then seals the audit entries still pending.
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let sealer = tokio::spawn(sealer::run(
            Arc::clone(&self.store),
            self.seal_interval,
            stop_rx.clone(),
        ));
        let scheduler = self.scheduler.map(|s| tokio::spawn(s.run(stop_rx.clone())));
        let mail = tokio::spawn(self.mail_worker.run(stop_rx));
        let served = self.server.await;
        tracing::info!("server stopped; sealing the audit chain");
        stop_tx.send(true).ok();
        sealer.await.ok();
        mail.await.ok();
        if let Some(scheduler) = scheduler {
            scheduler.await.ok();
        }
        served.context("running the HTTP server")
    }
}
