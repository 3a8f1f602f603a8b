//! `just bench-pages`: signs up a 15-property client against a running server, as a real one
//! would, and prints its session token for wrk to send as a bearer token (the JSON dashboard) and
//! as the portal's cookie (the dashboard page).
//!
//! Usage: `bench_pages BASE_URL WEBHOOK_SECRET DATA_DIR`

// A benchmark reports on stdout and stops at the first failure.
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::{Value, json};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, secret, data_dir] = &args[..] else {
        panic!("usage: bench_pages BASE_URL WEBHOOK_SECRET DATA_DIR");
    };
    let properties: Vec<Value> = (1..=15)
        .map(|n| json!({"address_line_1": format!("{n} Bench Terrace"), "city": "Leeds", "postcode": "LS1 4AP"}))
        .collect();
    let intake = json!({
        "full_name": "Bench Pages", "email": "bench-pages@example.com", "client_type": "INDIVIDUAL",
        "preferred_contact": "EMAIL", "billing_plan": "PLAN_6_15", "consent_data_processing": true,
        "properties": properties
    });
    let (token, _) = support::signed_up(&reqwest::Client::new(), base, secret, data_dir, &intake).await;
    println!("{token}");
}
