//! `just bench-pack`: against a running server, signs up a PLAN_6_15 client with 15 properties,
//! uploads five years of evidence (10 documents a property, 150 of 200 KB, incompressible as
//! real PDFs are) and an operator verifies each; then downloads the pack RUNS times as PDF, JSON
//! and ZIP and reports the milliseconds of each (median and slowest) and the server's memory.
//! The last ZIP is left at DATA_DIR/bench-pack.zip for the script to compare with `zip`.
//!
//! Usage: `bench_pack BASE_URL WEBHOOK_SECRET DATA_DIR SERVER_PID ADMIN_EMAIL ADMIN_PASSWORD RUNS`

// A benchmark reports on stdout and stops at the first failure.
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Instant;

use serde_json::{Value, json};

const BOUNDARY: &str = "bench-pack-boundary";
const DOCUMENT_BYTES: usize = 200 * 1024;

/// Five years of one property's evidence: (requirement, issue date, EPC rating).
const HISTORY: [(&str, &str, Option<&str>); 10] = [
    ("GAS_SAFETY", "2022-06-01", None),
    ("GAS_SAFETY", "2023-06-01", None),
    ("GAS_SAFETY", "2024-06-01", None),
    ("GAS_SAFETY", "2025-06-01", None),
    ("GAS_SAFETY", "2026-06-01", None),
    ("EICR", "2021-09-01", None),
    ("EICR", "2026-09-01", None),
    ("EPC", "2022-01-15", Some("C")),
    ("LEGIONELLA", "2024-03-01", None),
    ("LEGIONELLA", "2026-03-01", None),
];

/// `len` bytes that look like a PDF and do not compress (xorshift from `seed`).
fn document(seed: u64, len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut x = seed | 1;
    while bytes.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

fn multipart(property_id: &str, file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"property_id\"\r\n\r\n{property_id}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"record.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
    body
}

fn memory(pid: &str, key: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .map(|l| l.split_whitespace().nth(1).unwrap_or("?").to_owned() + " kB")
        .unwrap_or_default()
}

async fn seed(http: &reqwest::Client, base: &str, client: &str, admin: &str) -> usize {
    let dashboard = support::dashboard(http, base, client).await;
    let mut count = 0;
    for (p, property) in dashboard["properties"].as_array().unwrap().iter().enumerate() {
        let property_id = property["property_id"].as_str().unwrap();
        for (d, (requirement, issued, rating)) in HISTORY.iter().enumerate() {
            let file = document((p * 100 + d) as u64, DOCUMENT_BYTES);
            let upload = http
                .post(format!("{base}/api/client/documents"))
                .bearer_auth(client)
                .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
                .body(multipart(property_id, &file));
            let created = support::json_of(upload).await;
            let id = created["document_id"].as_str().expect("uploaded");
            let mut facts = json!({ "requirement": requirement, "issue_date": issued });
            if let Some(rating) = rating {
                facts["epc_rating"] = json!(rating);
            }
            let verified = http
                .post(format!("{base}/api/admin/documents/{id}/verify"))
                .bearer_auth(admin)
                .json(&facts)
                .send()
                .await
                .unwrap();
            assert_eq!(verified.status(), 200);
            count += 1;
        }
    }
    count
}

/// Downloads the pack in `format` `runs` times: (median ms, slowest ms, bytes), and the body.
async fn time(http: &reqwest::Client, url: &str, token: &str, runs: usize) -> (f64, f64, usize, Vec<u8>) {
    let mut times = Vec::with_capacity(runs);
    let mut body = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let response = http.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
        body = response.bytes().await.unwrap().to_vec();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[runs / 2], times[runs - 1], body.len(), body)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, secret, data_dir, pid, admin_email, admin_password, runs] = &args[..] else {
        panic!("usage: bench_pack BASE_URL WEBHOOK_SECRET DATA_DIR SERVER_PID ADMIN_EMAIL ADMIN_PASSWORD RUNS");
    };
    let runs: usize = runs.parse().expect("RUNS is a number");
    let http = reqwest::Client::new();
    let properties: Vec<Value> = (1..=15)
        .map(|n| json!({"address_line_1": format!("{n} Bench Terrace"), "city": "Leeds", "postcode": "LS1 4AP"}))
        .collect();
    let intake = json!({
        "full_name": "Bench Portfolio", "email": "bench-pack@example.com", "client_type": "COMPANY",
        "company_name": "Bench Lettings Ltd", "preferred_contact": "EMAIL", "billing_plan": "PLAN_6_15",
        "consent_data_processing": true, "properties": properties
    });
    let (client, _) = support::signed_up(&http, base, secret, data_dir, &intake).await;
    let admin = support::sign_in(&http, base, admin_email, admin_password).await;
    let started = Instant::now();
    let documents = seed(&http, base, &client, &admin).await;
    println!(
        "seeded: 15 properties, {documents} verified documents of {} KB in {:.1} s",
        DOCUMENT_BYTES / 1024,
        started.elapsed().as_secs_f64()
    );
    let before = (memory(pid, "VmRSS"), memory(pid, "VmHWM"));
    println!("server memory before the packs: RSS {}, peak {}", before.0, before.1);
    let url = |format: &str| format!("{base}/api/client/compliance-pack?format={format}");
    println!("| format | runs | median ms | slowest ms | bytes |");
    println!("|---|---|---|---|---|");
    for format in ["pdf", "json", "zip"] {
        let (median, slowest, bytes, body) = time(&http, &url(format), &client, runs).await;
        println!("| {format} | {runs} | {median:.1} | {slowest:.1} | {bytes} |");
        if format == "zip" {
            std::fs::write(format!("{data_dir}/bench-pack.zip"), body).unwrap();
        }
    }
    println!(
        "server memory after: RSS {}, peak {}",
        memory(pid, "VmRSS"),
        memory(pid, "VmHWM")
    );
}
