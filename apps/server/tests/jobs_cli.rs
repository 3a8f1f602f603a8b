//! `jobs daily` and `jobs monthly` as cron runs them: one JSON summary each, a period done once
//! however often or however many processes ask, a dry run that writes nothing, and a run
//! killed half-way that the next one finishes without sending anything twice.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use compliance_vault::config::Settings;
use compliance_vault::startup::open_store;
use domain::{Actor, AuditAction, Client, NewAuditEntry, SubscriptionStatus, TemplateAlias};
use ports::{BillingChange, MessageFilter, PaymentEvent, Store};
use serde_json::Value;
use support::binary;

/// A data directory of its own, and the PostgreSQL database of its own when `postgres`.
struct Place {
    dir: PathBuf,
    database_url: Option<String>,
}

impl Place {
    async fn new(postgres: bool) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("cv-jobs-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let database_url = if postgres {
            Some(testkit::services::fresh_postgres_database().await?)
        } else {
            None
        };
        Some(Self { dir, database_url })
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = binary();
        command.args(args).env("DATA_DIR", &self.dir).env("LOG_FORMAT", "json");
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        command
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.command(args).envs(env.iter().copied()).output().unwrap()
    }

    async fn store(&self) -> Arc<dyn Store> {
        let mut vars = vec![("DATA_DIR".to_owned(), self.dir.display().to_string())];
        if let Some(url) = &self.database_url {
            vars.push(("DATABASE_URL".to_owned(), url.clone()));
        }
        let settings =
            Settings::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).unwrap();
        open_store(&settings).await.unwrap().0
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// `count` ACTIVE clients of one property each, never evidenced: every one is RED and due a
/// reminder on the first run.
async fn portfolio(store: &dyn Store, count: usize) -> Vec<Client> {
    let mut clients = Vec::new();
    for _ in 0..count {
        let email = format!("jobs-{}@example.com", uuid::Uuid::new_v4().simple());
        let (client, properties) = testkit::fixtures::stored_client(&email, 1, Utc::now());
        let entry = NewAuditEntry::new(
            uuid::Uuid::now_v7(),
            Utc::now(),
            AuditAction::IntakeSubmitted,
            Actor::system(),
        );
        store.create_client(&client, &properties, &entry).await.unwrap();
        let event = PaymentEvent {
            id: format!("evt_{}", uuid::Uuid::new_v4().simple()),
            kind: "customer.subscription.updated".into(),
            created_at: Utc::now(),
            change: BillingChange::Subscription {
                client_id: Some(client.id),
                subscription_id: format!("sub_{}", uuid::Uuid::new_v4().simple()),
                customer_id: None,
                status: SubscriptionStatus::Active,
            },
        };
        let applied = NewAuditEntry::new(
            uuid::Uuid::now_v7(),
            Utc::now(),
            AuditAction::SubscriptionUpdated,
            Actor::system(),
        );
        store.apply_payment_event(&event, &applied, &[]).await.unwrap();
        clients.push(client);
    }
    clients
}

fn summary(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|_| panic!("one JSON line: {output:?}"))
}

async fn emails(store: &dyn Store, template: TemplateAlias) -> Vec<ports::MessageRecord> {
    let filter = MessageFilter {
        template: Some(template),
        limit: 1_000,
        ..MessageFilter::default()
    };
    store.list_messages(&filter).await.unwrap().items
}

/// Each client's number of reminder emails.
async fn reminders_per_client(store: &dyn Store, clients: &[Client]) -> Vec<usize> {
    let sent = emails(store, TemplateAlias::ComplianceReminder).await;
    clients
        .iter()
        .map(|c| sent.iter().filter(|m| m.client_id == Some(c.id)).count())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_prints_its_summary_runs_once_and_a_dry_run_writes_nothing() {
    let place = Place::new(false).await.unwrap();
    assert!(place.run(&["migrate"], &[]).status.success());
    let store = place.store().await;
    let clients = portfolio(&*store, 3).await;

    let dry = place.run(&["jobs", "daily", "--as-of", "2027-01-04", "--dry-run"], &[]);
    assert!(dry.status.success(), "{dry:?}");
    let dry = summary(&dry);
    assert_eq!(
        (dry["job"].as_str(), dry["period"].as_str(), dry["outcome"].as_str()),
        (Some("daily"), Some("2027-01-04"), Some("completed"))
    );
    assert_eq!(
        (dry["clients"].as_u64(), dry["reminders_queued"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(dry["dry_run"], true);
    assert!(dry["duration_ms"].is_u64());
    assert_eq!(
        reminders_per_client(&*store, &clients).await,
        [0, 0, 0],
        "a dry run sends nothing"
    );

    let real = summary(&place.run(&["jobs", "daily", "--as-of", "2027-01-04"], &[]));
    assert_eq!(
        (real["outcome"].as_str(), real["reminders_queued"].as_u64()),
        (Some("completed"), Some(3))
    );
    assert!(real.get("dry_run").is_none());
    let again = summary(&place.run(&["jobs", "daily", "--as-of", "2027-01-04"], &[]));
    assert_eq!(
        (again["outcome"].as_str(), again["reminders_queued"].as_u64()),
        (Some("already_done"), Some(0))
    );
    assert_eq!(reminders_per_client(&*store, &clients).await, [1, 1, 1]);

    let month = summary(&place.run(&["jobs", "monthly", "--as-of", "2027-01"], &[]));
    assert_eq!(
        (month["period"].as_str(), month["digests_queued"].as_u64()),
        (Some("2027-01"), Some(3)),
        "{month}"
    );
    assert_eq!(emails(&*store, TemplateAlias::MonthlyDigest).await.len(), 3);

    for (args, named) in [
        (&["jobs", "daily", "--as-of", "04/01/2027"][..], "YYYY-MM-DD"),
        (&["jobs", "monthly", "--as-of", "2027-13"][..], "YYYY-MM"),
    ] {
        let refused = place.run(args, &[]);
        assert_eq!(refused.status.code(), Some(2), "{refused:?}");
        assert!(String::from_utf8_lossy(&refused.stderr).contains(named));
    }
}

#[test]
fn production_refuses_a_day_ahead_unless_it_is_a_dry_run() {
    let dir = std::env::temp_dir().join(format!("cv-jobs-prod-{}", uuid::Uuid::new_v4().simple()));
    let production = [
        ("ENVIRONMENT", "production"),
        ("JWT_SECRET", "p9Vx2mQ7rT4wK8zL1nB6cF3hJ5dG0sYe"),
        ("PUBLIC_BASE_URL", "https://vault.example"),
        ("SMTP_URL", "smtp://127.0.0.1:9"),
        ("TOTP_ENCRYPTION_KEY", "dGVzdC1vbmx5LXRvdHAta2V5LW9mLTMyLWJ5dGVzISE="),
        ("PACK_SIGNING_KEY", "dGVzdC1vbmx5LXBhY2stc2lnbmluZy1rZXktMzJieXQ="),
    ];
    let ahead = (Utc::now() + chrono::Duration::days(3)).date_naive().to_string();
    let run = |extra: &[&str]| {
        let mut args = vec!["jobs", "daily", "--as-of", ahead.as_str()];
        args.extend_from_slice(extra);
        binary()
            .args(&args)
            .env("DATA_DIR", &dir)
            .envs(production)
            .output()
            .unwrap()
    };
    let refused = run(&[]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("after today"));
    let dry = run(&["--dry-run"]);
    assert!(dry.status.success(), "{dry:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Waits for `done` or fails after `limit`.
async fn wait_until(limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < limit, "gave up waiting");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(has_postgres), ignore = "needs TEST_DATABASE_URL")]
async fn two_processes_at_once_record_one_run_and_remind_each_client_once() {
    let Some(place) = Place::new(true).await else { return };
    assert!(place.run(&["migrate"], &[]).status.success());
    let store = place.store().await;
    let clients = portfolio(&*store, 40).await;
    let small_pages = [("JOBS_PAGE_SIZE", "3")];
    let spawn = || {
        place
            .command(&["jobs", "daily", "--as-of", "2027-01-04"])
            .envs(small_pages)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(), spawn());
    let outcomes: Vec<String> = [first, second]
        .into_iter()
        .map(|child| {
            summary(&child.wait_with_output().unwrap())["outcome"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let mut sorted = outcomes.clone();
    sorted.sort();
    assert_eq!(sorted, ["already_done", "completed"], "{outcomes:?}");
    assert_eq!(reminders_per_client(&*store, &clients).await, vec![1; 40]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(has_postgres), ignore = "needs TEST_DATABASE_URL")]
async fn a_run_killed_half_way_is_finished_by_the_next_without_a_duplicate() {
    let Some(place) = Place::new(true).await else { return };
    assert!(place.run(&["migrate"], &[]).status.success());
    let store = place.store().await;
    let clients = portfolio(&*store, 400).await;
    let env = [("JOBS_PAGE_SIZE", "1"), ("JOBS_LEASE_SECONDS", "1")];
    let mut first = place
        .command(&["jobs", "daily", "--as-of", "2027-01-04"])
        .envs(env)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Killed (SIGKILL: no clean-up) once some pages are written and before it is done.
    wait_until(Duration::from_secs(30), async || {
        emails(&*store, TemplateAlias::ComplianceReminder).await.len() >= 5
    })
    .await;
    first.kill().unwrap();
    first.wait().unwrap();
    let written = emails(&*store, TemplateAlias::ComplianceReminder).await.len();
    assert!(written < 400, "killed half-way ({written} of 400 written)");

    // Before the lease runs out the period is still held; after it, the next run takes it up.
    let held = summary(&place.run(&["jobs", "daily", "--as-of", "2027-01-04"], &env));
    assert_eq!(
        held["outcome"], "completed",
        "it waited out the dead run's lease: {held}"
    );
    assert_eq!(
        reminders_per_client(&*store, &clients).await,
        vec![1; 400],
        "no client twice"
    );
    let again = summary(&place.run(&["jobs", "daily", "--as-of", "2027-01-04"], &env));
    assert_eq!(again["outcome"], "already_done");
}
