//! `GET /metrics` in the OpenMetrics text format, which Prometheus scrapes as it is.
//!
//! Two kinds of figure. The HTTP ones (requests by method, route pattern and status, and their
//! latency) are counted in this process, so each instance reports its own and Prometheus sums
//! them. The product's figures (provisioning, password setup, requirements, properties, emails,
//! job runs, the audit backlog) are read from the store on every scrape, so every instance reports
//! the same values: aggregate those with `max`, not `sum`. Routes are labelled by their pattern
//! (`/properties/{property_id}`), never by the raw path, so the label set stays bounded.

use std::sync::atomic::AtomicU64;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, web};
use app::operations::OperationalFigures;
use domain::{JobKind, JobOutcome, Rag};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use subtle::ConstantTimeEq;

use crate::state::AppState;

const PREFIX: &str = "compliance_vault";
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// 1 ms to about 16 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The figures this process counts itself: one per server, shared by its workers.
#[derive(Debug)]
pub struct HttpMetrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix(PREFIX);
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route pattern and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request, by method and route pattern",
            Unit::Seconds,
            latency.clone(),
        );
        Self {
            registry,
            requests,
            latency,
        }
    }
}

impl HttpMetrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }
}

/// Counts and times every answer under its route's pattern; `unmatched` for an unknown path.
///
/// # Errors
/// Whatever the inner service returns, passed on untouched.
pub async fn middleware(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    let method = request.method().as_str().to_owned();
    let response = next.call(request).await?;
    if let Some(metrics) = metrics {
        let route = response.request().match_pattern();
        let route = route.as_deref().unwrap_or("unmatched");
        metrics.observe(
            &method,
            route,
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}

/// `GET /metrics`: with `METRICS_TOKEN` set, only for `Authorization: Bearer <token>`.
pub async fn scrape(state: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    if let Some(expected) = &state.metrics_token {
        let presented = request
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or_default();
        let expected = secrecy::ExposeSecret::expose_secret(expected.as_ref());
        if !bool::from(presented.as_bytes().ct_eq(expected.as_bytes())) {
            return HttpResponse::Unauthorized()
                .insert_header(("WWW-Authenticate", "Bearer"))
                .finish();
        }
    }
    let figures = match app::operations::operational_figures(&*state.store, state.clock.now()).await {
        Ok(figures) => figures,
        Err(error) => {
            tracing::warn!(error = ?error, "metrics: the store could not be read");
            return HttpResponse::ServiceUnavailable().finish();
        }
    };
    let mut text = String::new();
    let encoded = encode_registry(&mut text, &store_registry(&figures))
        .and_then(|()| encode_registry(&mut text, &instance_registry(&state)))
        .and_then(|()| encode_registry(&mut text, &state.metrics.registry))
        .and_then(|()| encode_eof(&mut text));
    match encoded {
        Ok(()) => HttpResponse::Ok().content_type(CONTENT_TYPE).body(text),
        Err(error) => {
            tracing::error!(error = ?error, "metrics: encoding failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// This instance's state at the scrape.
fn instance_registry(state: &AppState) -> Registry {
    let mut registry = Registry::with_prefix(PREFIX);
    let degraded = Gauge::<i64>::default();
    degraded.set(i64::from(state.rate_limiter.degraded()));
    registry.register(
        "rate_limiter_degraded",
        "1 while Redis is configured but unreachable and this instance counts its rate limits alone",
        degraded,
    );
    registry
}

/// A fresh registry holding the store's figures as read for this scrape.
fn store_registry(figures: &OperationalFigures) -> Registry {
    let counts = &figures.counts;
    let mut registry = Registry::with_prefix(PREFIX);

    // Every outcome, colour and job appears from the first scrape (at 0), so rates and alerts
    // never meet an absent series.
    let provisioning = Family::<Vec<(String, String)>, Counter>::default();
    for outcome in ["complete", "failed"] {
        provisioning.get_or_create(&label("outcome", outcome)).inc_by(0);
    }
    for (outcome, n) in &counts.provisioning {
        provisioning.get_or_create(&label("outcome", outcome)).inc_by(*n);
    }
    registry.register(
        "provisioning",
        "Provisioning runs by outcome (complete, failed), from the audit log",
        provisioning,
    );

    if counts.setup_links_issued > 0 {
        let ratio = Gauge::<f64, AtomicU64>::default();
        #[allow(clippy::cast_precision_loss, reason = "a ratio of counts far below 2^52")]
        ratio.set(counts.setup_links_used_in_a_day as f64 / counts.setup_links_issued as f64);
        registry.register(
            "password_setup_completion_ratio",
            "Of the setup links issued at least 24 hours ago, the share used within 24 hours",
            ratio,
        );
    }

    let requirements = Family::<Vec<(String, String)>, Gauge>::default();
    for (status, n) in &counts.requirements {
        requirements.get_or_create(&label("status", status)).set(gauge(*n));
    }
    registry.register(
        "requirements",
        "Requirements by status, as the daily job last evaluated them",
        requirements,
    );

    let properties = Family::<Vec<(String, String)>, Gauge>::default();
    for rag in [Rag::Red, Rag::Amber, Rag::Green] {
        properties.get_or_create(&label("rag", rag.as_str())).set(0);
    }
    for (rag, n) in &counts.properties {
        properties.get_or_create(&label("rag", rag.as_str())).set(gauge(*n));
    }
    registry.register(
        "properties",
        "Properties by the worst colour of their requirements, as last evaluated",
        properties,
    );

    let emails = Family::<Vec<(String, String)>, Counter>::default();
    for (status, n) in &counts.emails {
        emails.get_or_create(&label("status", status)).inc_by(*n);
    }
    registry.register(
        "emails",
        "Emails by outcome: sent (including those since delivered or bounced), delivered, bounced, failed",
        emails,
    );
    let queued = Gauge::<i64>::default();
    queued.set(gauge(counts.emails_queued));
    registry.register("emails_queued", "Emails waiting to be sent", queued);

    let runs = Family::<Vec<(String, String)>, Counter>::default();
    for job in JobKind::ALL {
        for outcome in [JobOutcome::Completed, JobOutcome::Failed] {
            runs.get_or_create(&job_outcome(job.as_str(), outcome.as_str()))
                .inc_by(0);
        }
    }
    for (job, outcome, n) in &counts.job_runs {
        runs.get_or_create(&job_outcome(job, outcome)).inc_by(*n);
    }
    registry.register("job_runs", "Scheduled job runs by job and outcome", runs);

    let last_success = Family::<Vec<(String, String)>, Gauge>::default();
    for job in &figures.jobs {
        if let Some(at) = job.last_success {
            last_success
                .get_or_create(&label("job", job.job.as_str()))
                .set(at.timestamp());
        }
    }
    registry.register_with_unit(
        "job_last_success_timestamp",
        "When each job last completed, in seconds since the Unix epoch",
        Unit::Seconds,
        last_success,
    );

    let unsealed = Gauge::<i64>::default();
    unsealed.set(gauge(figures.audit_unsealed));
    registry.register(
        "audit_unsealed",
        "Audit entries written but not yet linked into the chain",
        unsealed,
    );
    registry
}

fn label(name: &str, value: &str) -> Vec<(String, String)> {
    vec![(name.to_owned(), value.to_owned())]
}

fn job_outcome(job: &str, outcome: &str) -> Vec<(String, String)> {
    vec![
        ("job".to_owned(), job.to_owned()),
        ("outcome".to_owned(), outcome.to_owned()),
    ]
}

fn gauge(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
