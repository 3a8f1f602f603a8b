//! A store call that fails says where: the request answers an opaque 500 with its request id,
//! and the log line of that request names the store operation and the driver's cause.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::{Value, json};
use support::{log_lines, serve};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_store_call_is_logged_with_its_operation_and_cause() {
    let dir = std::env::temp_dir().join(format!("cv-store-failure-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("server.log");
    let (mut server, base) = serve(&dir, &log, &[]);

    // Someone renames a table under the running server.
    let url = format!("sqlite://{}", dir.join("compliance-vault.db").display());
    let mut db = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::raw_sql("ALTER TABLE clients RENAME TO clients_moved")
        .execute(&mut db)
        .await
        .unwrap();

    let intake = json!({
        "full_name": "Test Client", "email": "broken@example.com", "client_type": "INDIVIDUAL",
        "preferred_contact": "EMAIL", "billing_plan": "PLAN_1",
        "properties": [{"address_line_1": "1 High St", "city": "Leeds", "postcode": "LS1 4AP"}],
        "consent_data_processing": true
    });
    let response = reqwest::Client::new()
        .post(format!("{base}/api/intake/submit"))
        .json(&intake)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "internal_error");
    assert!(
        !problem.to_string().contains("clients"),
        "the answer says nothing of the cause: {problem}"
    );
    let request_id = problem["request_id"].as_str().unwrap().to_owned();

    let mut failure = None;
    for _ in 0..100 {
        failure = log_lines(&log)
            .into_iter()
            .find(|line| line["message"] == "request failed" && line["span"]["request_id"] == request_id.as_str());
        if failure.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    server.kill().ok();
    server.wait().ok();
    let failure = failure.unwrap_or_else(|| panic!("no failure logged: {:?}", log_lines(&log)));
    let error = failure["error"].as_str().unwrap();
    assert!(error.contains("create_client"), "the operation is named: {error}");
    assert!(error.contains("no such table: clients"), "the cause is kept: {error}");
    std::fs::remove_dir_all(&dir).ok();
}
