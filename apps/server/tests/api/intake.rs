//! Accepted intakes: stored whole, audited, unique by email, still there after a restart.

use std::sync::Arc;

use domain::{AuditAction, ClientId, Email};
use serde_json::Value;

use crate::helpers::{TestApp, on_both_backends, start, valid_intake};

on_both_backends!(
    the_guides_example_intake_is_accepted_and_its_status_answers,
    the_intake_is_stored_normalised_with_its_properties,
    the_intake_is_audited_with_its_request_id_and_the_chain_verifies,
    a_second_intake_with_the_same_email_in_another_case_is_409,
    twenty_concurrent_intakes_with_one_email_give_one_client,
    an_unknown_or_malformed_intake_id_is_404,
    a_restart_keeps_the_data,
);

async fn the_guides_example_intake_is_accepted_and_its_status_answers(app: TestApp) {
    let response = app.submit_intake(&valid_intake("test@example.com")).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["onboarding_status"], "INTAKE_PENDING");
    assert!(body["checkout_url"].is_null());
    let id = body["client_id"].as_str().expect("a client id");

    let status = app.intake_status(id).await;
    assert_eq!(status.status(), 200);
    let status: Value = status.json().await.unwrap();
    assert_eq!(status["client_id"], id);
    assert_eq!(status["onboarding_status"], "INTAKE_PENDING");
    assert_eq!(status["subscription_status"], "PENDING");
    assert_eq!(status["next_step"]["code"], "COMPLETE_PAYMENT");
}

async fn the_intake_is_stored_normalised_with_its_properties(app: TestApp) {
    let mut body = valid_intake("  Mixed.Case@Example.COM ");
    body["billing_plan"] = "PLAN_2_5".into();
    body["properties"] = serde_json::json!([
        {"address_line_1": " 1 A Road ", "city": "Cardiff", "postcode": "cf101ep", "nation": "WALES",
         "has_gas_supply": false, "is_hmo": true, "has_communal_areas": true, "tenancy_start_date": "2025-06-01"},
        {"address_line_1": "2 B Road", "city": "London", "postcode": "sw1a1aa"}
    ]);
    let response = app.submit_intake(&body).await;
    assert_eq!(response.status(), 201);
    let id: ClientId = response.json::<Value>().await.unwrap()["client_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let client = app.store.get_client(id).await.unwrap().unwrap();
    assert_eq!(client.details.email.as_str(), "mixed.case@example.com");
    let properties = app.store.list_properties(id).await.unwrap();
    assert_eq!(properties.len(), 2);
    let first = &properties[0].details;
    assert_eq!(
        (first.postcode.as_str(), first.address_line_1.as_str()),
        ("CF10 1EP", "1 A Road")
    );
    assert_eq!(first.nation, domain::Nation::Wales);
    assert!(!first.has_gas_supply && first.is_hmo && first.has_communal_areas);
    assert_eq!(first.tenancy_start_date.unwrap().to_string(), "2025-06-01");
    let second = &properties[1].details;
    assert_eq!(second.postcode.as_str(), "SW1A 1AA");
    assert!(
        second.has_gas_supply && !second.is_hmo && second.tenancy_start_date.is_none(),
        "defaults apply"
    );
    assert_eq!(second.nation, domain::Nation::England);
}

async fn the_intake_is_audited_with_its_request_id_and_the_chain_verifies(app: TestApp) {
    let response = app
        .http
        .post(format!("{}/api/intake/submit", app.address))
        .header("X-Request-Id", "intake-audit-test-1")
        .json(&valid_intake("audited@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "intake-audit-test-1");
    let id: ClientId = response.json::<Value>().await.unwrap()["client_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let entries = app.store.entries_for_client(id, 10).await.unwrap();
    assert_eq!(entries.len(), 1, "exactly one audit entry for the intake");
    let entry = &entries[0].entry;
    assert_eq!(entry.action, AuditAction::IntakeSubmitted);
    assert_eq!(entry.request_id.as_ref().unwrap().as_str(), "intake-audit-test-1");
    assert_eq!(entry.after.as_ref().unwrap()["onboarding_status"], "INTAKE_PENDING");

    app::audit::seal_all(&*app.store).await.unwrap();
    let report = app::audit::verify_chain(&*app.store).await.unwrap();
    assert!(report.break_at.is_none());
    assert!(report.verified >= 1);
}

async fn a_second_intake_with_the_same_email_in_another_case_is_409(app: TestApp) {
    assert_eq!(app.submit_intake(&valid_intake("dup@example.com")).await.status(), 201);
    let response = app.submit_intake(&valid_intake("DUP@Example.com")).await;
    assert_eq!(response.status(), 409);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "conflict");
    assert_eq!(app.store.count_clients().await.unwrap(), 1);
}

async fn twenty_concurrent_intakes_with_one_email_give_one_client(app: TestApp) {
    let app = Arc::new(app);
    let requests: Vec<_> = (0..20)
        .map(|_| {
            let app = Arc::clone(&app);
            tokio::spawn(async move {
                app.submit_intake(&valid_intake("race@example.com"))
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    statuses.sort_unstable();
    let mut expected = vec![409; 19];
    expected.insert(0, 201);
    assert_eq!(statuses, expected);
    assert_eq!(app.store.count_clients().await.unwrap(), 1);
    let client = app
        .store
        .find_client_by_email(&Email::parse("race@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.store.list_properties(client.id).await.unwrap().len(), 1);
}

async fn an_unknown_or_malformed_intake_id_is_404(app: TestApp) {
    for id in [uuid::Uuid::new_v4().to_string(), "not-a-uuid".to_owned()] {
        let response = app.intake_status(&id).await;
        assert_eq!(response.status(), 404, "{id}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }
}

async fn a_restart_keeps_the_data(app: TestApp) {
    let body: Value = app
        .submit_intake(&valid_intake("kept@example.com"))
        .await
        .json()
        .await
        .unwrap();
    let id = body["client_id"].as_str().unwrap();

    // A second server on the same settings (and database) is what a restart sees.
    let restarted = start(&app.settings).await;
    let status = app
        .http
        .get(format!("{restarted}/api/intake/{id}/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 200);
    let again = app
        .http
        .post(format!("{restarted}/api/intake/submit"))
        .json(&valid_intake("kept@example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
}
