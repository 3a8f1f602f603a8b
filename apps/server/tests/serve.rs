//! The real server process: it starts on the embedded default, serves, and on SIGTERM finishes
//! what it was doing, seals the audit chain and exits cleanly.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `serve` on a free port with a sealer that would not run for a minute by itself.
fn start_server(data_dir: &std::path::Path) -> (Child, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_compliance-vault"))
        .arg("serve")
        .env("DATA_DIR", data_dir)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .env("AUDIT_SEAL_INTERVAL_MS", "60000")
        .env_remove("DATABASE_URL")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut lines = stderr.lines();
    let port = loop {
        let line = lines.next().expect("the server logs until it listens").unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).expect("production-style logs are JSON");
        if event["message"] == "listening" {
            break u16::try_from(event["port"].as_u64().unwrap()).unwrap();
        }
    };
    // Keep draining the logs so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, port)
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(started.elapsed() < limit, "the server did not stop within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_server_cleanly_and_seals_the_audit_chain() {
    let dir = std::env::temp_dir().join(format!("cv-serve-{}", uuid::Uuid::new_v4().simple()));
    let (mut child, port) = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || start_server(&dir)
    })
    .await
    .unwrap();

    let body = serde_json::json!({
        "full_name": "Test Client", "email": "sigterm@example.com", "client_type": "INDIVIDUAL",
        "preferred_contact": "EMAIL", "billing_plan": "PLAN_1", "consent_data_processing": true,
        "properties": [{"address_line_1": "123 Test St", "city": "London", "postcode": "SW1A 1AA"}]
    });
    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/intake/submit"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || wait_for_exit(&mut child, Duration::from_secs(15)))
        .await
        .unwrap();
    assert!(status.success(), "exit status {status:?}");

    // The sealer's interval never came round: only the shutdown can have sealed the entry.
    let verify = Command::new(env!("CARGO_BIN_EXE_compliance-vault"))
        .args(["audit", "verify", "--no-seal"])
        .env("DATA_DIR", &dir)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&verify.stdout),
        "OK: 1 entries verified; 0 not yet sealed\n"
    );
    std::fs::remove_dir_all(&dir).ok();
}
