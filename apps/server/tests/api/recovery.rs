//! Forgot-password and the operators' resend of a setup link: identical answers for known and
//! unknown addresses, links from the configured base URL, revocation, and the hourly limit.

use domain::TokenKind;
use serde_json::{Value, json};

use crate::access_helpers::{PASSWORD, client_with_password, create_admin, invited_client_user, token_for};
use crate::helpers::{Backend, PUBLIC_BASE_URL, TestApp, on_both_backends, spawn_app, start};

on_both_backends!(
    forgot_password_answers_alike_and_emails_only_a_known_address,
    a_reset_link_sets_a_new_password_and_a_notice_follows,
    resending_revokes_the_earlier_link_and_the_fourth_in_an_hour_is_429,
);

/// The emails of one template in the outbox, oldest first.
pub fn emails_of(app: &TestApp, template: &str) -> Vec<Value> {
    app.outbox()
        .into_iter()
        .filter(|e| e["template_alias"] == template)
        .collect()
}

/// Waits until `count` emails of `template` are in the outbox.
pub async fn wait_for(app: &TestApp, template: &str, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let found = emails_of(app, template);
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "expected {count} `{template}` email(s); the outbox holds {:?}",
        app.outbox()
    );
}

/// The token at the end of an emailed link.
pub fn token_in(link: &str) -> &str {
    link.split_once("token=").expect("a link with a token").1
}

async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json("/api/auth/forgot-password", &json!({ "email": email }))
        .await
}

async fn forgot_password_answers_alike_and_emails_only_a_known_address(app: TestApp) {
    client_with_password(&app, "known@example.com").await;
    let known = forgot(&app, "known@example.com").await;
    let unknown = forgot(&app, "nobody@example.com").await;
    assert_eq!((known.status().as_u16(), unknown.status().as_u16()), (202, 202));
    let known: Value = known.json().await.unwrap();
    let unknown: Value = unknown.json().await.unwrap();
    assert_eq!(known, unknown, "the same answer, whether or not the address is known");

    let resets = wait_for(&app, "password-reset", 1).await;
    // Give a wrongly sent second email the time to arrive before counting.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(emails_of(&app, "password-reset").len(), 1);
    assert!(
        app.outbox().iter().all(|e| e["to"] != "nobody@example.com"),
        "nothing for an unknown address"
    );
    assert_eq!(resets[0]["to"], "known@example.com");
    let link = resets[0]["model"]["reset_url"].as_str().unwrap();
    assert!(
        link.starts_with(&format!("{PUBLIC_BASE_URL}/reset-password?token=")),
        "{link}"
    );
    assert!(
        resets[0]["text_body"].as_str().unwrap().contains(link),
        "the text body carries the whole link"
    );

    let malformed = forgot(&app, "not-an-email").await;
    assert_eq!(malformed.status(), 422);
    assert_eq!(malformed.json::<Value>().await.unwrap()["errors"][0]["field"], "email");
}

async fn a_reset_link_sets_a_new_password_and_a_notice_follows(app: TestApp) {
    client_with_password(&app, "resetter@example.com").await;
    // A hostile Host header (and forwarded host) must not reach the link.
    let response = app
        .http
        .post(format!("{}/api/auth/forgot-password", app.address))
        .header("Host", "evil.example")
        .header("X-Forwarded-Host", "evil.example")
        .json(&json!({ "email": "resetter@example.com" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let reset = wait_for(&app, "password-reset", 1).await.remove(0);
    let link = reset["model"]["reset_url"].as_str().unwrap();
    assert!(link.starts_with(PUBLIC_BASE_URL) && !link.contains("evil"), "{link}");

    let new_password = "a brand new ledger of lettings";
    assert_eq!(app.set_password(token_in(link), new_password).await.status(), 204);
    assert_eq!(app.login("resetter@example.com", PASSWORD).await.status(), 401);
    assert_eq!(app.login("resetter@example.com", new_password).await.status(), 200);
    assert_eq!(
        app.set_password(token_in(link), new_password).await.status(),
        400,
        "single use"
    );

    // One notice for the first password, one for this change.
    let notices = wait_for(&app, "password-changed", 2).await;
    assert!(notices.iter().all(|n| n["to"] == "resetter@example.com"));
    assert_eq!(
        notices[1]["model"]["forgot_password_url"],
        format!("{PUBLIC_BASE_URL}/forgot-password")
    );
}

async fn resend(app: &TestApp, base: &str, admin: &str, client_id: &str) -> reqwest::Response {
    app.http
        .post(format!("{base}/api/admin/clients/{client_id}/resend-password-setup"))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
}

async fn resending_revokes_the_earlier_link_and_the_fourth_in_an_hour_is_429(app: TestApp) {
    create_admin(&app, "resend-admin@example.com").await;
    let admin = app.token("resend-admin@example.com").await;
    let user = invited_client_user(&app, "invitee@example.com").await;
    let client_id = user.client_id.unwrap().to_string();
    let first = token_for(&app, &user, TokenKind::Setup).await;

    for _ in 0..3 {
        assert_eq!(resend(&app, &app.address, &admin, &client_id).await.status(), 202);
    }
    let fourth = resend(&app, &app.address, &admin, &client_id).await;
    assert_eq!(fourth.status(), 429);
    let retry_after: u64 = fourth.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((3000..=3600).contains(&retry_after), "Retry-After {retry_after}");

    let setups = wait_for(&app, "password-setup", 4).await;
    let links: Vec<String> = setups
        .iter()
        .map(|email| email["model"]["setup_url"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        links
            .iter()
            .all(|link| link.starts_with(&format!("{PUBLIC_BASE_URL}/set-password?token=")))
    );
    assert_eq!(
        app.set_password(&first, PASSWORD).await.status(),
        400,
        "revoked by the resend"
    );
    // Each link is minted as its email is sent, revoking the one before: whichever went out last
    // is the only one that still works.
    let mut statuses = Vec::new();
    for link in &links {
        statuses.push(app.set_password(token_in(link), PASSWORD).await.status().as_u16());
    }
    statuses.sort_unstable();
    assert!(statuses.len() >= 4, "{statuses:?}");
    assert_eq!(statuses[0], 204, "one link still works: {statuses:?}");
    assert!(
        statuses[1..].iter().all(|s| *s == 400),
        "the others are revoked: {statuses:?}"
    );

    let done = resend(&app, &app.address, &admin, &client_id).await;
    assert_eq!(done.status(), 409);
    assert_eq!(done.json::<Value>().await.unwrap()["code"], "password_already_set");
    let unknown = resend(&app, &app.address, &admin, &uuid::Uuid::now_v7().to_string()).await;
    assert_eq!(unknown.status(), 404);
    let client = app.token("invitee@example.com").await;
    assert_eq!(resend(&app, &app.address, &client, &client_id).await.status(), 403);
}

#[tokio::test]
#[cfg_attr(not(has_redis), ignore = "needs TEST_REDIS_URL")]
async fn two_instances_on_one_redis_share_the_resend_limit() {
    let Some(redis) = testkit::services::service_url("TEST_REDIS_URL") else {
        return;
    };
    let prefix = format!("compliance-vault-test-{}:", uuid::Uuid::new_v4().simple());
    let settings = [("REDIS_URL", redis.as_str()), ("REDIS_KEY_PREFIX", &prefix)];
    let app = spawn_app(Backend::Sqlite, &settings).await.unwrap();
    let second = start(&app.settings).await;
    create_admin(&app, "shared-admin@example.com").await;
    let admin = app.token("shared-admin@example.com").await;
    let user = invited_client_user(&app, "shared-invitee@example.com").await;
    let client_id = user.client_id.unwrap().to_string();

    for (i, base) in [&app.address, &second, &app.address].into_iter().enumerate() {
        assert_eq!(resend(&app, base, &admin, &client_id).await.status(), 202, "resend {i}");
    }
    for base in [&second, &app.address] {
        let response = resend(&app, base, &admin, &client_id).await;
        assert_eq!(
            response.status(),
            429,
            "the limit is shared, whichever instance answers"
        );
        assert!(response.headers().contains_key("retry-after"));
    }
}
