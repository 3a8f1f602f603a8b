//! `GET /api/health`: is the database reachable, which version is running, is the audit chain
//! keeping up.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when the database cannot be reached.
    #[schema(example = "ok")]
    pub status: &'static str,
    #[schema(example = "0.1.0")]
    pub version: &'static str,
    pub database: DatabaseHealth,
    /// Audit entries written but not yet linked into the chain; null when unknown.
    pub audit_unsealed: Option<u64>,
    pub email: EmailHealth,
    /// `local` or `s3`: where evidence files are kept.
    #[schema(example = "local")]
    pub documents: &'static str,
    pub rate_limiter: RateLimiterHealth,
    /// Each scheduled job's last success; null when it could not be read.
    pub jobs: Option<JobsHealth>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobsHealth {
    pub daily: JobHealthView,
    pub monthly: JobHealthView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobHealthView {
    /// When its newest completed run finished; null when it never ran.
    pub last_success: Option<chrono::DateTime<chrono::Utc>>,
    /// The period that run was for (`2026-12-01`, `2026-12`).
    pub last_period: Option<String>,
    /// True when the last success is older than 26 hours (daily) or 32 days (monthly).
    pub stale: bool,
}

impl JobsHealth {
    fn from_app(jobs: &[app::jobs::JobHealth]) -> Self {
        let view = |job| {
            jobs.iter().find(|j| j.job == job).map_or(
                JobHealthView {
                    last_success: None,
                    last_period: None,
                    stale: false,
                },
                |j| JobHealthView {
                    last_success: j.last_success,
                    last_period: j.last_period.clone(),
                    stale: j.stale,
                },
            )
        };
        Self {
            daily: view(domain::JobKind::Daily),
            monthly: view(domain::JobKind::Monthly),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RateLimiterHealth {
    /// `memory` (this instance only) or `redis` (shared).
    #[schema(example = "memory")]
    pub backend: &'static str,
    /// Keys held, for the in-memory limiter; null for Redis.
    pub keys: Option<usize>,
    /// Keys it may hold (`RATE_LIMIT_CAPACITY`); null for Redis.
    pub capacity: Option<usize>,
    /// True when no new key fits: new sign-in, link and second-factor limits refuse with 429
    /// until keys expire. At that scale, share limits through Redis.
    pub full: bool,
    /// True while Redis is configured but unreachable: this instance counts its limits alone
    /// (`backend` is then `memory`) and goes back to Redis when it answers.
    pub degraded: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailHealth {
    /// `postmark`, `smtp` or `outbox`.
    pub mailer: &'static str,
    /// Emails waiting to be sent (a number that keeps growing means delivery is failing);
    /// null when unknown.
    pub queued: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DatabaseHealth {
    pub reachable: bool,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
}

/// Liveness and readiness in one: 200 when the database answers, 503 when it does not.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "The database is unreachable", body = Health),
    )
)]
#[get("/api/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let store = app::operations::store_health(&*state.store, state.clock.now()).await;
    let reachable = store.reachable;
    let body = Health {
        status: if reachable { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        database: DatabaseHealth {
            reachable,
            backend: state.backend,
        },
        audit_unsealed: store.audit_unsealed,
        email: EmailHealth {
            mailer: state.mailer,
            queued: store.emails_queued,
        },
        documents: state.documents.name(),
        rate_limiter: {
            let usage = state.rate_limiter.usage();
            RateLimiterHealth {
                backend: state.rate_limiter.name(),
                keys: usage.map(|u| u.keys),
                capacity: usage.map(|u| u.capacity),
                full: usage.is_some_and(|u| u.is_full()),
                degraded: state.rate_limiter.degraded(),
            }
        },
        jobs: store.jobs.as_deref().map(JobsHealth::from_app),
    };
    if reachable {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use actix_web::{App, test, web};
    use app::access::{RandomSource, SessionSigner, TotpKey};
    use ports::StoreError;
    use testkit::mocks::{MockDocumentStore, MockRateLimiter, MockStore, MockTextReader};

    use super::*;

    #[derive(Debug)]
    struct Sevens;

    impl RandomSource for Sevens {
        fn fill(&self, bytes: &mut [u8]) {
            bytes.fill(7);
        }
    }

    /// Health never writes an archive.
    #[derive(Debug)]
    struct NoArchives;

    #[async_trait::async_trait]
    impl ports::PackArchiver for NoArchives {
        async fn archive(
            &self,
            _: Vec<ports::ArchiveFile>,
            _: &dyn ports::DocumentStore,
            _: &mut dyn ports::ArchiveSink,
        ) -> Result<(), ports::PackError> {
            Err(ports::PackError::Closed)
        }
    }

    fn state(store: MockStore) -> AppState {
        AppState {
            store: Arc::new(store),
            clock: Arc::new(testkit::FixedClock::default()),
            rate_limiter: Arc::new({
                let mut limiter = MockRateLimiter::new();
                limiter.expect_usage().return_const(None);
                limiter.expect_name().return_const("memory");
                limiter.expect_degraded().return_const(false);
                limiter
            }),
            intake_limits: app::onboarding::IntakeLimits::default(),
            backend: "postgres",
            hasher: Arc::new(testkit::FakeHasher),
            sessions: Arc::new(SessionSigner::new(&[7; 32], "test", "test", chrono::Duration::hours(1)).unwrap()),
            rng: Arc::new(Sevens),
            secure_cookies: false,
            admin_second_factor_required: false,
            login_limits: app::access::LoginLimits::default(),
            links: Arc::new(app::mail::Links::new("https://vault.example")),
            mail_wakeup: Arc::default(),
            mailer: "outbox",
            postmark_webhook: None,
            payments: None,
            dev_checkout: false,
            payment_webhook: None,
            trusted_proxies: Arc::from([]),
            documents: Arc::new({
                let mut files = MockDocumentStore::new();
                files.expect_name().return_const("local");
                files
            }),
            upload_limits: app::documents::UploadLimits {
                max_bytes: 20_000_000,
                quota_bytes: 2_000_000_000,
                per_user_per_hour: 100,
            },
            text_reader: Arc::new(MockTextReader::new()),
            totp_key: Arc::new(TotpKey::generate(&Sevens)),
            pack_renderer: Arc::new(testkit::mocks::MockPackRenderer::new()),
            metrics: Arc::default(),
            metrics_token: None,
            pack_archiver: Arc::new(NoArchives),
            pack_signer: Arc::new(testkit::mocks::MockPackSigner::new()),
            unaudited_refusals: Arc::default(),
            background: crate::background::BoundedTasks::new(4),
        }
    }

    #[actix_web::test]
    async fn health_is_503_and_degraded_while_the_database_is_unreachable() {
        let mut store = MockStore::new();
        store
            .expect_ping()
            .returning(|| Err(StoreError::unavailable("ping", "connection refused")));
        store.expect_unsealed_count().never();
        store.expect_list_messages().never();
        store.expect_last_job_successes().never();
        let app = test::init_service(App::new().app_data(web::Data::new(state(store))).service(health)).await;

        let response = test::call_service(&app, test::TestRequest::get().uri("/api/health").to_request()).await;
        assert_eq!(response.status(), 503);
        let body: serde_json::Value = test::read_body_json(response).await;
        assert_eq!(body["status"], "degraded");
        assert_eq!(body["database"]["reachable"], false);
        assert!(body["audit_unsealed"].is_null());
    }
}
