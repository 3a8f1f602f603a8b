//! A server killed while an email is on its way loses nothing: the email was committed with its
//! change, so after a restart it goes out, once.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use compliance_vault::config::Settings;
use compliance_vault::startup::open_store;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const ADMIN: &str = "crash-admin@example.com";
const PASSWORD: &str = "amber kite over the lettings ledger";

mod support;

use support::{binary, serve};

fn create_admin(dir: &Path) {
    let mut create = binary()
        .args(["admin", "create", "--email", ADMIN])
        .env("DATA_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(create.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(create.wait().unwrap().success());
}

fn outbox(dir: &Path) -> Vec<Value> {
    std::fs::read_dir(dir.join("outbox"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_in_flight_when_the_server_dies_goes_out_once_after_restart() {
    let dir = std::env::temp_dir().join(format!("cv-crash-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    create_admin(&dir);

    // A provider that takes the request and never answers: the send is in flight.
    let hanging = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(600)))
        .mount(&hanging)
        .await;
    let api_base = hanging.uri();
    let postmark = [
        ("POSTMARK_SERVER_TOKEN", "pm-token"),
        ("POSTMARK_FROM", "vault@example.com"),
        ("POSTMARK_API_BASE", api_base.as_str()),
    ];
    let (mut first, base) = serve(&dir, &dir.join("first.log"), &postmark);
    let http = reqwest::Client::new();
    let forgot = http
        .post(format!("{base}/api/auth/forgot-password"))
        .json(&json!({ "email": ADMIN }))
        .send()
        .await
        .unwrap();
    assert_eq!(forgot.status(), 202);
    let started = Instant::now();
    while hanging.received_requests().await.unwrap().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the worker never tried to send"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(outbox(&dir).is_empty());

    // Restarted without a provider, the server writes to the outbox once the dead claim expires.
    let (mut second, _) = serve(&dir, &dir.join("second.log"), &[]);
    let started = Instant::now();
    while outbox(&dir).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the email never went out after the restart"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let emails = outbox(&dir);
    assert_eq!(emails.len(), 1, "exactly once");
    assert_eq!(emails[0]["template_alias"], "password-reset");
    assert_eq!(emails[0]["to"], ADMIN);

    let data_dir = dir.display().to_string();
    let settings = Settings::from_lookup(|name| (name == "DATA_DIR").then(|| data_dir.clone())).unwrap();
    let (store, _) = open_store(&settings).await.unwrap();
    let filter = ports::MessageFilter {
        limit: 10,
        ..ports::MessageFilter::default()
    };
    let log = store.list_messages(&filter).await.unwrap();
    assert_eq!(log.total, 1);
    assert_eq!(log.items[0].status, domain::MessageStatus::Sent);
    assert_eq!(
        log.items[0].attempts, 2,
        "the attempt cut short, then the one that went out"
    );

    second.kill().unwrap();
    second.wait().unwrap();
    std::fs::remove_dir_all(&dir).ok();
}
