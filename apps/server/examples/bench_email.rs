//! `just bench-email`: queues N emails (each with its audit entry, as a change would) and drains
//! them, first through a mailer that does nothing (so the time is the database's: claim and
//! record), then again into the outbox (one JSON file each). Prints emails per second for each.
//!
//! Usage: `bench_email [COUNT] [DATABASE_URL]`; without a URL, SQLite in a fresh temporary directory.

// A benchmark reports on stdout and stops at the first failure.
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Instant;

use adapter_smtp::OutboxMailer;
use app::mail::{DeliveryPolicy, DeliveryServices};
use async_trait::async_trait;
use chrono::Utc;
use compliance_vault::config::Settings;
use compliance_vault::security::OsRandom;
use compliance_vault::startup::open_store;
use domain::{Actor, AuditAction, Email, EmailContent, MessageId, NewAuditEntry, OutgoingEmail};
use futures_util::StreamExt;
use ports::{Delivery, Mailer, SendError, Store};
use uuid::Uuid;

/// Takes every email at once: what is left is the database's share.
struct NullMailer;

#[async_trait]
impl Mailer for NullMailer {
    fn name(&self) -> &'static str {
        "null"
    }

    async fn send(&self, _: &OutgoingEmail) -> Result<Delivery, SendError> {
        Ok(Delivery::default())
    }
}

fn email(i: usize) -> (OutgoingEmail, NewAuditEntry) {
    let now = Utc::now();
    let email = OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: None,
        to: Email::parse(&format!("bench-{i}@example.com")).unwrap(),
        content: EmailContent::PasswordSetup {
            recipient_name: format!("Landlord {i}"),
            setup_url: format!("https://vault.example/set-password?token={}", Uuid::new_v4().simple()),
            expires_in_minutes: 60,
        },
        created_at: now,
    };
    let entry = NewAuditEntry::new(Uuid::now_v7(), now, AuditAction::PasswordTokenIssued, Actor::system());
    (email, entry)
}

async fn queue(store: &Arc<dyn Store>, count: usize) {
    let started = Instant::now();
    futures_util::stream::iter(0..count)
        .for_each_concurrent(16, |i| {
            let store = Arc::clone(store);
            async move {
                let (email, entry) = email(i);
                store.queue_email(&email, &entry).await.unwrap();
            }
        })
        .await;
    report("queue (one transaction each, with its audit entry)", count, started);
}

async fn drain(store: &Arc<dyn Store>, mailer: &dyn Mailer, count: usize, what: &str) {
    let services = DeliveryServices {
        store: &**store,
        mailer,
        clock: &compliance_vault::clock::SystemClock,
        rng: &OsRandom,
        policy: DeliveryPolicy::default(),
    };
    let started = Instant::now();
    let delivered = app::mail::drain(services).await.unwrap();
    assert_eq!(delivered.sent as usize, count, "every email sent");
    report(what, count, started);
}

fn report(what: &str, count: usize, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{what}: {count} emails in {seconds:.2} s = {:.0} emails/s, {:.1} µs per email",
        count as f64 / seconds,
        seconds * 1e6 / count as f64
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map_or(100_000, |n| n.parse().expect("COUNT is a number"));
    let database_url = args.next();
    let dir = std::env::temp_dir().join(format!("cv-bench-email-{}", Uuid::new_v4().simple()));
    let data_dir = dir.display().to_string();
    let settings = Settings::from_lookup(|name| match name {
        "DATA_DIR" => Some(data_dir.clone()),
        "DATABASE_URL" => database_url.clone(),
        "DATABASE_MAX_CONNECTIONS" => Some("16".into()),
        _ => None,
    })
    .unwrap();
    let (store, backend) = open_store(&settings).await.unwrap();
    println!("backend: {backend}");

    queue(&store, count).await;
    drain(
        &store,
        &NullMailer,
        count,
        "drain, mailer doing nothing (database time)",
    )
    .await;
    queue(&store, count).await;
    let outbox = OutboxMailer::new(dir.join("outbox"));
    drain(&store, &outbox, count, "drain into the outbox (a JSON file each)").await;
    let files = std::fs::read_dir(outbox.dir()).unwrap().count();
    assert_eq!(files, count, "one outbox file per email");
    std::fs::remove_dir_all(&dir).ok();
}
