//! `GET /metrics`: the product's figures read from the store, HTTP counted by route pattern, and
//! the scrape closed by `METRICS_TOKEN`.

use crate::helpers::{Backend, TestApp, on_both_backends, spawn_app};

on_both_backends!(metrics_publish_the_stored_figures_and_http_by_route_pattern);

/// The value of the sample `series` (name and labels exactly as written), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn scrape(app: &TestApp) -> String {
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    response.text().await.unwrap()
}

async fn metrics_publish_the_stored_figures_and_http_by_route_pattern(app: TestApp) {
    let before = scrape(&app).await;
    for series in [
        r#"compliance_vault_provisioning_total{outcome="complete"}"#,
        r#"compliance_vault_provisioning_total{outcome="failed"}"#,
        r#"compliance_vault_properties{rag="RED"}"#,
        r#"compliance_vault_job_runs_total{job="daily",outcome="completed"}"#,
        r#"compliance_vault_job_runs_total{job="monthly",outcome="failed"}"#,
        r#"compliance_vault_emails_total{status="failed"}"#,
        "compliance_vault_audit_unsealed",
    ] {
        assert_eq!(sample(&before, series), Some(0.0), "{series} at 0 on an empty store");
    }
    assert!(
        !before.contains("password_setup_completion_ratio"),
        "no ratio before any link has had its day"
    );

    crate::payments::provisioned_client(&app, "metrics@example.com").await;
    let today = chrono::Utc::now().date_naive();
    crate::jobs::run_daily(&app, today).await;
    let unknown = uuid::Uuid::now_v7();
    assert_eq!(app.get(&format!("/api/intake/{unknown}/status")).await.status(), 404);

    let mut text = scrape(&app).await;
    for _ in 0..100 {
        if sample(&text, r#"compliance_vault_emails_total{status="sent"}"#) >= Some(1.0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        text = scrape(&app).await;
    }
    assert_eq!(
        sample(&text, r#"compliance_vault_provisioning_total{outcome="complete"}"#),
        Some(1.0)
    );
    assert!(sample(&text, r#"compliance_vault_emails_total{status="sent"}"#) >= Some(1.0));
    assert_eq!(
        sample(
            &text,
            r#"compliance_vault_job_runs_total{job="daily",outcome="completed"}"#
        ),
        Some(1.0)
    );
    let last = sample(
        &text,
        r#"compliance_vault_job_last_success_timestamp_seconds{job="daily"}"#,
    )
    .unwrap();
    #[allow(clippy::cast_precision_loss)]
    let now = chrono::Utc::now().timestamp() as f64;
    assert!((now - 600.0..=now + 1.0).contains(&last), "last success {last}");
    // The new client's property has no evidence yet: RED, its requirements MISSING.
    assert_eq!(sample(&text, r#"compliance_vault_properties{rag="RED"}"#), Some(1.0));
    assert!(sample(&text, r#"compliance_vault_requirements{status="MISSING"}"#) >= Some(1.0));

    let route =
        r#"compliance_vault_http_requests_total{method="GET",route="/api/intake/{client_id}/status",status="404"}"#;
    assert_eq!(sample(&text, route), Some(1.0), "counted under its pattern");
    assert!(!text.contains(&unknown.to_string()), "never a raw path");
    assert!(text.contains(
        r#"compliance_vault_http_request_duration_seconds_count{method="GET",route="/api/intake/{client_id}/status"} 1"#
    ));
    assert!(text.trim_end().ends_with("# EOF"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_token_closes_the_scrape_to_everyone_without_it() {
    let app = spawn_app(Backend::Sqlite, &[("METRICS_TOKEN", "scrape-me-please")])
        .await
        .unwrap();
    assert_eq!(app.get("/metrics").await.status(), 401);
    for (token, status) in [("wrong", 401), ("scrape-me-please", 200)] {
        let response = app
            .http
            .get(format!("{}/metrics", app.address))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{token}");
    }
}
