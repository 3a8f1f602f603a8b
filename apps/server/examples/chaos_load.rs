//! `just chaos`: the load the fault scenarios run under, against one or more running instances.
//!
//! `chaos_load intake BASES SECONDS CONCURRENCY WEBHOOK_SECRET OUT_FILE`: intakes for SECONDS,
//! spread over the comma-separated BASES; each 201 is paid through the signed Stripe webhook,
//! retried as Stripe retries until it answers 200. Prints a per-second timeline of the answers
//! and a summary line (counts by status, the slowest 503, the longest time without a 201);
//! writes `CLIENT_ID EMAIL` for every 201 to OUT_FILE.
//!
//! `chaos_load logins BASES EMAIL ATTEMPTS`: wrong-password sign-ins for one address, each to
//! the next of BASES; prints each answer's status.

// A benchmark reports on stdout and stops at the first failure.
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

#[derive(Debug, Default)]
struct Record {
    /// Per second since the start: how many answers of each status (0 for no answer).
    timeline: BTreeMap<u64, BTreeMap<u16, u64>>,
    statuses: BTreeMap<u16, u64>,
    slowest_503: Duration,
    /// Seconds since the start of each 201.
    created_at: Vec<f64>,
    clients: Vec<String>,
    unpaid: u64,
}

/// Pays for `client_id`, redelivering the same event as Stripe does until it answers 200.
async fn pay(http: &reqwest::Client, base: &str, secret: &str, client_id: &str) -> bool {
    let event_id = support::new_event_id();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if support::pay(http, base, secret, client_id, &event_id).await == Some(200) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

async fn intake_worker(
    http: reqwest::Client,
    bases: Arc<Vec<String>>,
    worker: usize,
    until: Instant,
    started: Instant,
    secret: Arc<String>,
    record: Arc<Mutex<Record>>,
) {
    let mut n = 0usize;
    while Instant::now() < until {
        n += 1;
        let base = &bases[(worker + n) % bases.len()];
        let email = format!("chaos-{worker}-{n}-{}@example.com", uuid::Uuid::new_v4().simple());
        let body = json!({
            "full_name": "Chaos Client", "email": email, "client_type": "INDIVIDUAL",
            "preferred_contact": "EMAIL", "billing_plan": "PLAN_1", "consent_data_processing": true,
            "properties": [{"address_line_1": "1 Chaos Street", "city": "Leeds", "postcode": "LS1 4AP"}]
        });
        let sent_at = Instant::now();
        let answer = http.post(format!("{base}/api/intake/submit")).json(&body).send().await;
        let took = sent_at.elapsed();
        let second = sent_at.duration_since(started).as_secs();
        let (status, client_id) = match answer {
            Ok(response) => {
                let status = response.status().as_u16();
                let value: serde_json::Value = response.json().await.unwrap_or_default();
                (status, value["client_id"].as_str().map(str::to_owned))
            }
            Err(_) => (0, None),
        };
        {
            let mut r = record.lock().unwrap();
            *r.timeline.entry(second).or_default().entry(status).or_default() += 1;
            *r.statuses.entry(status).or_default() += 1;
            if status == 503 {
                r.slowest_503 = r.slowest_503.max(took);
            }
            if status == 201 {
                r.created_at.push(sent_at.duration_since(started).as_secs_f64());
            }
        }
        if let Some(client_id) = client_id.filter(|_| status == 201) {
            let paid = pay(&http, base, &secret, &client_id).await;
            let mut r = record.lock().unwrap();
            r.clients.push(format!("{client_id} {email}"));
            if !paid {
                r.unpaid += 1;
            }
        } else if status != 201 {
            // As a real client would, wait a little before trying again.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn intake(args: &[String]) {
    let [bases, seconds, concurrency, secret, out] = args else {
        panic!("usage: chaos_load intake BASES SECONDS CONCURRENCY WEBHOOK_SECRET OUT_FILE");
    };
    let bases: Arc<Vec<String>> = Arc::new(bases.split(',').map(str::to_owned).collect());
    let seconds: u64 = seconds.parse().unwrap();
    let concurrency: usize = concurrency.parse().unwrap();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let record = Arc::new(Mutex::new(Record::default()));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let secret = Arc::new(secret.clone());
    let workers: Vec<_> = (0..concurrency)
        .map(|w| {
            tokio::spawn(intake_worker(
                http.clone(),
                bases.clone(),
                w,
                until,
                started,
                secret.clone(),
                record.clone(),
            ))
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let r = record.lock().unwrap();
    for (second, statuses) in &r.timeline {
        let line: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}x{n}")).collect();
        println!("t={second:>3}s {}", line.join(" "));
    }
    let mut created = r.created_at.clone();
    created.sort_by(f64::total_cmp);
    let longest_gap = created.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    let statuses: Vec<String> = r.statuses.iter().map(|(s, n)| format!("{s}:{n}")).collect();
    println!(
        "summary: statuses {} slowest_503_ms {} longest_without_201_s {longest_gap:.2} clients {} unpaid {}",
        statuses.join(","),
        r.slowest_503.as_millis(),
        r.clients.len(),
        r.unpaid
    );
    std::fs::write(out, r.clients.join("\n") + "\n").unwrap();
}

async fn logins(args: &[String]) {
    let [bases, email, attempts] = args else {
        panic!("usage: chaos_load logins BASES EMAIL ATTEMPTS");
    };
    let bases: Vec<&str> = bases.split(',').collect();
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for n in 0..attempts.parse::<usize>().unwrap() {
        let base = bases[n % bases.len()];
        let body = json!({"email": email, "password": "not the password at all"});
        let response = http
            .post(format!("{base}/api/auth/login"))
            .json(&body)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16().to_string());
    }
    println!("{}", statuses.join(" "));
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("intake") => intake(&args[1..]).await,
        Some("logins") => logins(&args[1..]).await,
        _ => panic!("usage: chaos_load intake|logins ..."),
    }
}
