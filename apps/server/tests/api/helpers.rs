//! Spawning the application on a fresh database, and typed calls to its endpoints.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use compliance_vault::config::Settings;
use compliance_vault::startup::{Application, open_store};
use ports::Store;
use serde_json::{Value, json};

/// The secret test servers sign sessions with, so tests can forge tokens the way an attacker
/// who guessed it could.
pub const TEST_JWT_SECRET: &str = "test-only-jwt-secret-of-at-least-32-bytes";

/// The key test servers encrypt TOTP secrets with, so tests can read an enrolled secret back.
pub const TEST_TOTP_KEY: &str = "dGVzdC1vbmx5LXRvdHAta2V5LW9mLTMyLWJ5dGVzISE=";

/// Where test servers say the portal lives: every emailed link must start with it.
pub const PUBLIC_BASE_URL: &str = "https://vault.example";

/// What a test server needs beyond the test defaults to start as production: a mailer (this
/// one refuses connections, so nothing leaves the machine).
/// The test instance's pack signing key (the seed); its public half is served at /api/pack-key.
pub const TEST_PACK_KEY: &str = "dGVzdC1vbmx5LXBhY2stc2lnbmluZy1rZXktMzJieXQ=";

pub const PRODUCTION: &[(&str, &str)] = &[("ENVIRONMENT", "production"), ("SMTP_URL", "smtp://127.0.0.1:9")];

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Declares, for each named test function `async fn name(app: TestApp)`, a module with one test
/// per backend.
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite, &[]).await.expect("SQLite needs no service");
                super::$name(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(not(has_postgres), ignore = "needs TEST_DATABASE_URL")]
            async fn postgres() {
                let Some(app) = crate::helpers::spawn_app(crate::helpers::Backend::Postgres, &[]).await else { return };
                super::$name(app).await;
            }
        }
    )+};
}
pub(crate) use on_both_backends;

pub struct TestApp {
    pub address: String,
    pub http: reqwest::Client,
    /// The same database the server uses, for assertions beneath the API.
    pub store: Arc<dyn Store>,
    pub settings: Settings,
    _data_dir: TempDir,
}

/// A directory removed when the test ends.
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// Starts the server on a free port with its own database; `None` when the backend is not
/// configured (the test skips, saying so). `extra` overrides settings. With `TEST_LOG=1` the
/// servers' logs are printed (one subscriber for the whole test binary; `RUST_LOG` picks levels).
pub async fn spawn_app(backend: Backend, extra: &[(&str, &str)]) -> Option<TestApp> {
    let dir = std::env::temp_dir().join(format!("cv-api-{}", uuid::Uuid::new_v4().simple()));
    spawn_app_in(dir, backend, extra).await
}

/// [`spawn_app`] on the data directory `dir`, which may already hold a database (a restore).
pub async fn spawn_app_in(dir: PathBuf, backend: Backend, extra: &[(&str, &str)]) -> Option<TestApp> {
    if std::env::var_os("TEST_LOG").is_some() {
        compliance_vault::telemetry::init(compliance_vault::config::LogFormat::Pretty);
    }
    let mut vars: HashMap<String, String> = HashMap::from([
        ("BIND_ADDR".into(), "127.0.0.1:0".into()),
        ("DATA_DIR".into(), dir.display().to_string()),
        ("DATABASE_MAX_CONNECTIONS".into(), "8".into()),
        // Tests submit many intakes from 127.0.0.1; the limit has a test of its own.
        ("INTAKE_RATE_LIMIT_PER_MINUTE".into(), "10000".into()),
        ("JWT_SECRET".into(), TEST_JWT_SECRET.into()),
        ("TOTP_ENCRYPTION_KEY".into(), TEST_TOTP_KEY.into()),
        ("PACK_SIGNING_KEY".into(), TEST_PACK_KEY.into()),
        ("PUBLIC_BASE_URL".into(), PUBLIC_BASE_URL.into()),
        ("MAIL_POLL_INTERVAL_MS".into(), "50".into()),
        ("STRIPE_WEBHOOK_SECRET".into(), "whsec_test_secret".into()),
    ]);
    if let Backend::Postgres = backend {
        vars.insert(
            "DATABASE_URL".into(),
            testkit::services::fresh_postgres_database().await?,
        );
    }
    // An empty value unsets a default.
    for (key, value) in extra {
        if value.is_empty() {
            vars.remove(*key);
        } else {
            vars.insert((*key).into(), (*value).into());
        }
    }
    let settings = Settings::from_lookup(|name| vars.get(name).cloned()).expect("valid test settings");
    let app = start(&settings).await;
    let (store, _) = open_store(&settings).await.expect("open the test database");
    Some(TestApp {
        address: app,
        http: reqwest::Client::new(),
        store,
        settings,
        _data_dir: TempDir(dir),
    })
}

/// Builds and spawns a server for `settings`; returns its base address.
pub async fn start(settings: &Settings) -> String {
    let application = Application::build(settings).await.expect("the application starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    address
}

/// Every audit entry of an action, after sealing what is pending.
pub async fn audited(app: &TestApp, action: domain::AuditAction) -> Vec<domain::AuditEntry> {
    app::audit::seal_all(&*app.store).await.unwrap();
    let entries = app.store.sealed_entries(0, 10_000).await.unwrap();
    entries.into_iter().filter(|e| e.entry.action == action).collect()
}

/// The guide's example intake, with its own email.
pub fn valid_intake(email: &str) -> Value {
    json!({
        "full_name": "Test Client",
        "email": email,
        "client_type": "INDIVIDUAL",
        "preferred_contact": "EMAIL",
        "billing_plan": "PLAN_1",
        "properties": [{
            "address_line_1": "123 Test St",
            "city": "London",
            "postcode": "SW1A 1AA"
        }],
        "consent_data_processing": true,
        "consent_communications": true
    })
}

pub fn property() -> Value {
    json!({"address_line_1": "1 High Street", "city": "Leeds", "postcode": "LS1 4AP"})
}

impl TestApp {
    pub async fn submit_intake(&self, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}/api/intake/submit", self.address))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn intake_status(&self, id: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/api/intake/{id}/status", self.address))
            .send()
            .await
            .expect("request sent")
    }

    /// Every email in the server's outbox, oldest first, as written.
    pub fn outbox(&self) -> Vec<Value> {
        let dir = self.settings.data_dir.join("outbox");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).expect("readable outbox file")).expect("JSON email"))
            .collect()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.address))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }
}
