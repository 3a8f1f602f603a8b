//! Health, the OpenAPI document, request ids and the headers every response carries.

use serde_json::Value;

use crate::helpers::{TestApp, on_both_backends, valid_intake};

on_both_backends!(
    health_reports_the_database_reachable_and_the_version,
    every_response_carries_a_request_id_and_the_security_headers,
    the_openapi_document_describes_every_route,
    an_unknown_route_is_a_404_problem,
    a_known_route_asked_with_another_method_is_405_with_allow,
);

async fn health_reports_the_database_reachable_and_the_version(app: TestApp) {
    let response = app.get("/api/health").await;
    assert_eq!(response.status(), 200);
    let health: Value = response.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"]["reachable"], true);
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        (health["email"]["mailer"].as_str(), health["email"]["queued"].as_u64()),
        (Some("outbox"), Some(0))
    );
    assert_eq!(health["documents"], "local");
    assert!(
        app.settings.data_dir.join("documents").is_dir(),
        "the documents directory is made at start"
    );
}

async fn every_response_carries_a_request_id_and_the_security_headers(app: TestApp) {
    let responses = [
        app.get("/api/health").await,
        app.submit_intake(&valid_intake("headers@example.com")).await,
        app.submit_intake(&serde_json::json!({})).await,
        app.get("/nowhere").await,
    ];
    let mut ids = std::collections::HashSet::new();
    for response in responses {
        let headers = response.headers();
        let id = headers["x-request-id"].to_str().unwrap().to_owned();
        assert!(ids.insert(id), "request ids are unique");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["cache-control"], "no-store");
        assert!(
            headers["strict-transport-security"]
                .to_str()
                .unwrap()
                .contains("max-age=")
        );
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
    }

    let echoed = app
        .http
        .get(format!("{}/api/health", app.address))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
    let refused = app
        .http
        .get(format!("{}/api/health", app.address))
        .header("x-request-id", "bad id\t!")
        .send()
        .await
        .unwrap();
    assert_ne!(
        refused.headers()["x-request-id"],
        "bad id\t!",
        "an unsafe id is replaced"
    );
}

async fn the_openapi_document_describes_every_route(app: TestApp) {
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (path, method) in [
        ("/api/intake/submit", "post"),
        ("/api/intake/{client_id}/status", "get"),
        ("/api/health", "get"),
    ] {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is documented");
        assert!(
            operation["responses"].as_object().unwrap().len() >= 2,
            "{method} {path} documents its errors"
        );
    }
    let submit = &doc["paths"]["/api/intake/submit"]["post"]["responses"];
    for status in ["201", "400", "409", "413", "415", "422", "429"] {
        assert!(submit[status].is_object(), "intake documents {status}");
    }
    for schema in [
        "IntakeRequest",
        "PropertyRequest",
        "IntakeCreated",
        "IntakeStatusResponse",
        "Problem",
        "FieldError",
        "Health",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
    }
}

async fn an_unknown_route_is_a_404_problem(app: TestApp) {
    let response = app.get("/api/nothing-here").await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

async fn a_known_route_asked_with_another_method_is_405_with_allow(app: TestApp) {
    for (method, path, allow) in [
        (reqwest::Method::DELETE, "/api/health", "GET"),
        (reqwest::Method::GET, "/api/intake/submit", "POST"),
        (
            reqwest::Method::PUT,
            "/api/intake/00000000-0000-0000-0000-000000000000/status",
            "GET",
        ),
        (reqwest::Method::POST, "/api/openapi.json", "GET"),
    ] {
        let response = app
            .http
            .request(method.clone(), format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }
}
