//! Typed settings from the environment (and an optional `.env`). Secrets are `SecretString`:
//! printing the settings never prints them. Production refuses settings that would be unsafe.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

mod jobs;
mod limits;
mod mail;
mod payments;
mod production;
mod secret_files;
mod storage;

pub use jobs::{JobConfig, Schedule};
pub use limits::LimitSettings;
pub use mail::{MailSettings, MailTransport};
pub use payments::{PaymentSettings, StripeCheckout};
pub use secret_files::{MAX_SECRET_FILE_BYTES, SECRET_SETTINGS};
pub use storage::DocumentStorage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// A setting that is missing, malformed or unsafe; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

fn invalid(name: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        name,
        problem: problem.into(),
    }
}

/// Everything the server reads from its environment.
#[derive(Clone)]
pub struct Settings {
    pub environment: Environment,
    pub bind_addr: SocketAddr,
    pub data_dir: PathBuf,
    /// Where evidence files are kept.
    pub documents: DocumentStorage,
    /// The largest evidence file accepted, in bytes.
    pub max_upload_bytes: u64,
    /// `None` means SQLite in the data directory.
    pub database_url: Option<SecretString>,
    pub database_max_connections: u32,
    /// The HTTP server's worker threads (`HTTP_WORKERS`): one a core by default.
    pub http_workers: u32,
    pub jwt_secret: Option<SecretString>,
    /// How long a session lasts.
    pub session_ttl: Duration,
    pub cors_allowed_origins: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for per-address limits).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The portal's public address; every emailed link starts with it (never with a Host header).
    pub public_base_url: Option<String>,
    pub mail: MailSettings,
    pub payments: PaymentSettings,
    pub intake_limit_per_minute: u32,
    pub login_limits: app::access::LoginLimits,
    pub limits: LimitSettings,
    /// Encrypts admins' TOTP secrets at rest: 32 bytes in standard base64. Unset in development
    /// means a key generated into the data directory.
    pub totp_encryption_key: Option<SecretString>,
    /// Signs compliance packs (Ed25519): the 32-byte seed in standard base64. Unset in
    /// development means a key generated into the data directory.
    pub pack_signing_key: Option<SecretString>,
    /// What a scrape of `/metrics` must present (`Authorization: Bearer …`); unset leaves it open.
    pub metrics_token: Option<SecretString>,
    /// Shared rate limits when set; in memory (one instance only) when not.
    pub redis_url: Option<SecretString>,
    /// Starts every Redis key, so several deployments can share one Redis.
    pub redis_key_prefix: String,
    /// How often the sealer links new audit entries into the chain.
    pub audit_seal_interval: Duration,
    /// The daily and monthly jobs: reminder days, paging, and the in-process schedule.
    pub jobs: JobConfig,
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines, for a terminal.
    Pretty,
    /// One JSON object per line, for a log pipeline.
    Json,
}

impl Settings {
    /// Reads the process environment, after loading `.env` from the working directory if present.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first bad setting.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is reported by the variables it leaves out.
        dotenvy::dotenv().ok();
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Builds settings from any variable source (the environment, or a map in tests). Each secret
    /// may come from a file named by `NAME_FILE` instead (see [`SECRET_SETTINGS`]).
    ///
    /// # Errors
    /// [`ConfigError`] naming the first bad setting.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let from_files = secret_files::read(&var)?;
        let var = |name: &str| from_files.get(name).cloned().or_else(|| var(name));
        let environment = match var("ENVIRONMENT").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("development" | "dev" | "test") => Environment::Development,
            Some("production" | "prod") => Environment::Production,
            Some(other) => {
                return Err(invalid(
                    "ENVIRONMENT",
                    format!("`{other}` is not development or production"),
                ));
            }
        };
        let bind_addr = var("BIND_ADDR")
            .unwrap_or_else(|| "127.0.0.1:8080".into())
            .parse()
            .map_err(|e| invalid("BIND_ADDR", format!("not a socket address: {e}")))?;
        let number = |name: &'static str, default: u32| -> Result<u32, ConfigError> {
            var(name).map_or(Ok(default), |v| {
                v.trim()
                    .parse()
                    .map_err(|e| invalid(name, format!("not a number: {e}")))
            })
        };
        let log_format = match var("LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            None if environment == Environment::Production => LogFormat::Json,
            None => LogFormat::Pretty,
            Some(other) => return Err(invalid("LOG_FORMAT", format!("`{other}` is not json or pretty"))),
        };
        let data_dir = PathBuf::from(var("DATA_DIR").unwrap_or_else(|| "./data".into()));
        let settings = Self {
            environment,
            bind_addr,
            documents: DocumentStorage::from_lookup(&var, &data_dir)?,
            max_upload_bytes: u64::from(number("MAX_UPLOAD_BYTES", 20_000_000)?.max(1)),
            data_dir,
            database_url: var("DATABASE_URL").map(SecretString::from),
            database_max_connections: number("DATABASE_MAX_CONNECTIONS", 16)?,
            http_workers: number("HTTP_WORKERS", default_http_workers())?.max(1),
            jwt_secret: var("JWT_SECRET").map(SecretString::from),
            session_ttl: Duration::from_secs(u64::from(number("JWT_EXPIRATION_HOURS", 8)?.clamp(1, 24 * 30)) * 3600),
            // CORS_ORIGINS is the original guide's name for the same list; both are read.
            cors_allowed_origins: ["CORS_ALLOWED_ORIGINS", "CORS_ORIGINS"]
                .into_iter()
                .filter_map(&var)
                .flat_map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect::<Vec<_>>()
                })
                .collect(),
            trusted_proxies: var("TRUSTED_PROXIES")
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(|a| {
                            a.parse()
                                .map_err(|_| invalid("TRUSTED_PROXIES", format!("`{a}` is not an IP address")))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?
                .unwrap_or_default(),
            public_base_url: var("PUBLIC_BASE_URL").or_else(|| var("FRONTEND_URL")),
            mail: MailSettings::from_lookup(&var, &number)?,
            payments: PaymentSettings::from_lookup(&var)?,
            intake_limit_per_minute: number("INTAKE_RATE_LIMIT_PER_MINUTE", 10)?,
            login_limits: app::access::LoginLimits {
                per_account: number("LOGIN_ATTEMPTS_PER_ACCOUNT", 10)?,
                per_address: number("LOGIN_ATTEMPTS_PER_ADDRESS", 100)?,
                per_account_all_addresses: number("LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_ADDRESSES", 50)?,
                second_factor_per_account: number("TOTP_ATTEMPTS_PER_ACCOUNT", 10)?,
            },
            limits: LimitSettings::from_lookup(&var, &number)?,
            totp_encryption_key: var("TOTP_ENCRYPTION_KEY")
                .map(|key| {
                    identity::TotpKey::from_base64(&key)
                        .map(|_| SecretString::from(key))
                        .map_err(|e| invalid("TOTP_ENCRYPTION_KEY", e.to_string()))
                })
                .transpose()?,
            pack_signing_key: var("PACK_SIGNING_KEY")
                .map(|key| {
                    adapter_pack::Ed25519PackSigner::from_base64(&key)
                        .map(|_| SecretString::from(key))
                        .map_err(|e| invalid("PACK_SIGNING_KEY", e.to_string()))
                })
                .transpose()?,
            metrics_token: var("METRICS_TOKEN").map(SecretString::from),
            redis_url: var("REDIS_URL").map(SecretString::from),
            redis_key_prefix: var("REDIS_KEY_PREFIX").unwrap_or_else(|| "compliance-vault:".into()),
            audit_seal_interval: Duration::from_millis(number("AUDIT_SEAL_INTERVAL_MS", 250)?.max(10).into()),
            jobs: JobConfig::from_lookup(&var, &number)?,
            log_format,
        };
        settings.check_production()?;
        Ok(settings)
    }

    /// Production refuses what would be unsafe there, naming the setting.
    fn check_production(&self) -> Result<(), ConfigError> {
        if self.environment != Environment::Production {
            return Ok(());
        }
        production::check(self)
    }

    /// The database URL to connect to: the configured one, or SQLite in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!("sqlite://{}", self.data_dir.join("compliance-vault.db").display()),
        }
    }

    /// Production serves only over HTTPS, so its cookies say `Secure`; development is plain HTTP.
    /// Cookies are `Secure` in production and wherever the public address is https; only plain
    /// http in development (on loopback by default) goes without.
    pub fn secure_cookies(&self) -> bool {
        self.environment == Environment::Production
            || self
                .public_base_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
    }

    /// Admins must pass a second factor in production.
    pub fn admin_second_factor_required(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Where emailed links point: the configured public address, or in development this server.
    pub fn links(&self) -> app::mail::Links {
        match &self.public_base_url {
            Some(base) => app::mail::Links::new(base),
            None => app::mail::Links::new(&format!("http://{}", self.bind_addr)),
        }
    }

    pub fn uses_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }
}

/// Prints every setting; secrets and any password inside the database URL are redacted.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("environment", &self.environment)
            .field("bind_addr", &self.bind_addr)
            .field("data_dir", &self.data_dir)
            .field("documents", &self.documents)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("database_url", &redact_url(&self.database_url()))
            .field("database_max_connections", &self.database_max_connections)
            .field("http_workers", &self.http_workers)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "[REDACTED]"))
            .field("session_ttl", &self.session_ttl)
            .field("cors_allowed_origins", &self.cors_allowed_origins)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("public_base_url", &self.public_base_url)
            .field("mail", &self.mail)
            .field("payments", &self.payments)
            .field("intake_limit_per_minute", &self.intake_limit_per_minute)
            .field("login_limits", &self.login_limits)
            .field("limits", &self.limits)
            .field(
                "totp_encryption_key",
                &self.totp_encryption_key.as_ref().map(|_| "[REDACTED]"),
            )
            .field(
                "pack_signing_key",
                &self.pack_signing_key.as_ref().map(|_| "[REDACTED]"),
            )
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "[REDACTED]"))
            .field(
                "redis_url",
                &self.redis_url.as_ref().map(|url| redact_url(url.expose_secret())),
            )
            .field("redis_key_prefix", &self.redis_key_prefix)
            .field("audit_seal_interval", &self.audit_seal_interval)
            .field("jobs", &self.jobs)
            .field("log_format", &self.log_format)
            .finish()
    }
}

/// `scheme://user:secret@host/db` becomes `scheme://user:[REDACTED]@host/db`.
fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let Some(at) = rest.find('@') else {
        return url.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!("{}{}:[REDACTED]{}", &url[..scheme_end], &rest[..colon], &rest[at..]),
        None => url.to_owned(),
    }
}

/// One worker a core, as the HTTP server's own default. Fewer was measured too (docs/performance.md,
/// "Load on the main routes"): on 2 cores one worker served no route faster than two.
fn default_http_workers() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    u32::try_from(cores).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
mod tests;
