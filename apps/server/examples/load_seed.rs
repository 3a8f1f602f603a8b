//! `just load`: signs up COUNT clients of 15 properties against a running server, as real ones
//! would (intake, a signed Stripe payment, the password set from the emailed link, a sign-in), and
//! gives each two pieces of evidence through the upload route. Writes one line per client to
//! OUT_FILE, `TOKEN PROPERTY_ID EMAIL`, for wrk to spread its requests over.
//!
//! Usage: `load_seed BASE_URL WEBHOOK_SECRET DATA_DIR COUNT OUT_FILE`

// A benchmark reports on stdout and stops at the first failure.
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};

const BOUNDARY: &str = "load-seed-boundary";

fn intake(run: &str, n: usize) -> Value {
    let properties: Vec<Value> = (1..=15)
        .map(|p| json!({"address_line_1": format!("{p} Load Terrace"), "city": "Leeds", "postcode": "LS1 4AP"}))
        .collect();
    json!({
        "full_name": format!("Load Client {n}"), "email": format!("load-{run}-{n}@example.com"),
        "client_type": "INDIVIDUAL", "preferred_contact": "EMAIL", "billing_plan": "PLAN_6_15",
        "consent_data_processing": true, "properties": properties
    })
}

/// A small PDF for the upload route, stated as `requirement`'s evidence for `property_id`.
pub fn upload_body(property_id: &str, requirement: &str) -> String {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"property_id\"\r\n\r\n{property_id}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"requirement\"\r\n\r\n{requirement}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"certificate.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.7\n% load test evidence\n%%EOF\n\r\n--{BOUNDARY}--\r\n"
    )
}

async fn pay(http: &reqwest::Client, base: &str, secret: &str, intake: Value) {
    let created = support::json_of(http.post(format!("{base}/api/intake/submit")).json(&intake)).await;
    let client_id = created["client_id"].as_str().expect("a client id");
    let paid = support::pay(http, base, secret, client_id, &support::new_event_id()).await;
    assert_eq!(paid, Some(200));
}

/// Each setup link in the outbox by address, once `count` of them have arrived; each file is read once.
async fn setup_links(data_dir: &str, count: usize) -> HashMap<String, String> {
    let mut links = HashMap::new();
    let mut seen = HashSet::new();
    for _ in 0..1200 {
        for entry in std::fs::read_dir(format!("{data_dir}/outbox"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if !seen.insert(entry.file_name()) {
                continue;
            }
            let Ok(mail) = serde_json::from_slice::<Value>(&std::fs::read(entry.path()).unwrap_or_default()) else {
                seen.remove(&entry.file_name());
                continue;
            };
            if mail["template_alias"] == "password-setup" {
                let to = mail["to"].as_str().unwrap().to_owned();
                links.insert(to, mail["model"]["setup_url"].as_str().unwrap().to_owned());
            }
        }
        if links.len() >= count {
            return links;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("only {} of {count} setup emails arrived", links.len());
}

/// Sets the password, signs in and uploads two pieces of evidence: the line for OUT_FILE.
async fn sign_in_and_upload(http: &reqwest::Client, base: &str, email: &str, link: &str) -> String {
    let session = support::set_password_and_sign_in(http, base, email, link).await;
    let dashboard = support::dashboard(http, base, &session).await;
    let property_id = dashboard["properties"][0]["property_id"].as_str().unwrap().to_owned();
    for requirement in ["GAS_SAFETY", "EICR"] {
        let response = http
            .post(format!("{base}/api/client/documents"))
            .bearer_auth(&session)
            .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(upload_body(&property_id, requirement))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
    }
    format!("{session} {property_id} {email}")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, secret, data_dir, count, out] = &args[..] else {
        panic!("usage: load_seed BASE_URL WEBHOOK_SECRET DATA_DIR COUNT OUT_FILE");
    };
    let count: usize = count.parse().expect("COUNT is a number");
    let http = reqwest::Client::new();
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let started = Instant::now();
    futures_util::stream::iter((0..count).map(|n| pay(&http, base, secret, intake(&run, n))))
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
    println!("seed: {count} clients paid in {:.1} s", started.elapsed().as_secs_f64());
    let links = setup_links(data_dir, count).await;
    let started = Instant::now();
    let lines: Vec<String> = futures_util::stream::iter(links.iter().map(|(email, link)| {
        let http = &http;
        async move { sign_in_and_upload(http, base, email, link).await }
    }))
    .buffer_unordered(8)
    .collect()
    .await;
    println!(
        "seed: {count} clients signed in with two uploads each in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    std::fs::write(out, lines.join("\n") + "\n").unwrap();
}
