//! `just bench-provision`: against a running server, submits COUNT intakes of 15 properties each,
//! then delivers each client's signed `checkout.session.completed` event to the webhook, CONCURRENCY
//! at a time, and reports clients provisioned per second.
//!
//! Usage: `bench_provision BASE_URL WEBHOOK_SECRET [COUNT] [CONCURRENCY]`.

// A benchmark reports on stdout and stops at the first failure.
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::time::Instant;

use futures_util::StreamExt;
use serde_json::{Value, json};

fn intake(i: usize, run: &str) -> Value {
    let properties: Vec<Value> = (0..15)
        .map(|p| {
            json!({
                "address_line_1": format!("{p} Bench Street"), "city": "Leeds", "postcode": "LS1 4AP",
                "is_hmo": p % 5 == 0, "tenancy_start_date": "2025-06-01"
            })
        })
        .collect();
    json!({
        "full_name": format!("Bench Landlord {i}"), "email": format!("bench-{run}-{i}@example.com"),
        "client_type": "LETTING_AGENT", "company_name": "Bench Lettings Ltd", "preferred_contact": "EMAIL",
        "billing_plan": "PLAN_6_15", "properties": properties,
        "consent_data_processing": true, "consent_communications": false
    })
}

fn checkout_completed(i: usize, client_id: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": format!("evt_bench_{client_id}_{i}"), "type": "checkout.session.completed",
        "created": chrono::Utc::now().timestamp(),
        "data": { "object": { "client_reference_id": client_id, "customer": format!("cus_{i}"),
                               "subscription": format!("sub_{i}"), "payment_status": "paid" } }
    }))
    .unwrap()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("BASE_URL");
    let secret = args.next().expect("WEBHOOK_SECRET");
    let count: usize = args.next().map_or(10_000, |n| n.parse().unwrap());
    let concurrency: usize = args.next().map_or(16, |n| n.parse().unwrap());
    let http = reqwest::Client::new();
    let run = uuid::Uuid::new_v4().simple().to_string();

    let started = Instant::now();
    let clients: Vec<String> = futures_util::stream::iter(0..count)
        .map(|i| {
            let (http, base, body) = (http.clone(), base.clone(), intake(i, &run));
            async move {
                let response = http
                    .post(format!("{base}/api/intake/submit"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 201, "intake {i}");
                response.json::<Value>().await.unwrap()["client_id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    report("intakes (15 properties each)", count, started);

    let started = Instant::now();
    let outcomes: Vec<String> = futures_util::stream::iter(clients.iter().enumerate())
        .map(|(i, client_id)| {
            let (http, base, body) = (http.clone(), base.clone(), checkout_completed(i, client_id));
            let signature = adapter_stripe::sign(&body, &secret, chrono::Utc::now().timestamp());
            async move {
                let response = http
                    .post(format!("{base}/api/webhook/stripe"))
                    .header("Stripe-Signature", signature)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200, "checkout {i}");
                let ack: Value = response.json().await.unwrap();
                ack["provisioning"].as_str().unwrap_or("none").to_owned()
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    report("paid checkouts provisioned through the webhook", count, started);
    let completed = outcomes.iter().filter(|o| *o == "completed").count();
    assert_eq!(completed, count, "every client provisioned: {outcomes:?}");
}

fn report(what: &str, count: usize, started: Instant) {
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{what}: {count} in {seconds:.1} s = {:.0} clients/s ({:.1} ms of wall time per client)",
        count as f64 / seconds,
        seconds * 1e3 / count as f64
    );
}
