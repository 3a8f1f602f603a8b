//! Signing in, sessions, passwords and the route guards, on both backends.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::{AuditAction, TokenKind};
use serde_json::Value;

use crate::access_helpers::{PASSWORD, client_with_password, create_admin, invited_client_user, signer, token_for};
use crate::helpers::{TestApp, on_both_backends};

on_both_backends!(
    an_admin_signs_in_and_the_session_names_them,
    a_wrong_password_and_an_unknown_email_get_the_same_answer,
    forged_foreign_and_expired_tokens_are_refused,
    a_client_sets_a_password_once_and_then_signs_in,
    twenty_concurrent_uses_of_one_token_set_the_password_once,
    a_disabled_user_is_refused_on_the_next_request,
    a_disabled_client_is_refused_its_stored_dashboard_on_the_next_request,
    setting_a_password_ends_the_other_sessions,
    the_eleventh_attempt_on_one_account_is_throttled,
    signing_out_ends_that_session_and_no_other,
);

async fn audited(app: &TestApp, action: AuditAction) -> usize {
    crate::helpers::audited(app, action).await.len()
}

async fn an_admin_signs_in_and_the_session_names_them(app: TestApp) {
    let admin = create_admin(&app, "Admin@Example.com").await;
    let response = app.login("admin@example.com", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    for flag in ["cv_session=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=28800"] {
        assert!(cookie.contains(flag), "{flag} in {cookie}");
    }
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["token_type"].as_str(), body["expires_in"].as_i64()),
        (Some("Bearer"), Some(8 * 3600))
    );
    let token = body["access_token"].as_str().unwrap();

    let me: Value = app.me(token).await.json().await.unwrap();
    assert_eq!(me["user_id"], admin.id.to_string());
    assert_eq!(
        (me["role"].as_str(), me["email"].as_str()),
        (Some("ADMIN"), Some("admin@example.com"))
    );
    assert!(me["client_id"].is_null());
    let by_cookie = app
        .http
        .get(format!("{}/api/auth/me", app.address))
        .header("cookie", format!("cv_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        by_cookie.status(),
        200,
        "the portal's cookie works like the bearer token"
    );
    assert_eq!(audited(&app, AuditAction::LoginSucceeded).await, 1);
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app: TestApp) {
    create_admin(&app, "admin@example.com").await;
    let wrong = app.login("admin@example.com", "not the right password").await;
    let unknown = app.login("nobody@example.com", "not the right password").await;
    let malformed = app.login("not an email", "not the right password").await;
    for response in [wrong, unknown, malformed] {
        assert_eq!(response.status(), 401);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(
            (problem["code"].as_str(), problem["detail"].as_str()),
            (Some("invalid_credentials"), Some("the email or password is wrong"))
        );
    }
    assert_eq!(audited(&app, AuditAction::LoginFailed).await, 3);
}

async fn forged_foreign_and_expired_tokens_are_refused(app: TestApp) {
    let admin = create_admin(&app, "admin@example.com").await;
    let good = app.token("admin@example.com").await;
    assert_eq!(app.me(&good).await.status(), 200);

    let parts: Vec<&str> = good.split('.').collect();
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let alg_none = format!("{none_header}.{}.", parts[1]);
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["role"] = "CLIENT".into();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    let subject = identity::SessionSubject {
        user_id: admin.id,
        role: admin.role,
        client_id: None,
        mfa: true,
    };
    let rng = compliance_vault::security::OsRandom;
    let other_key = identity::SessionSigner::new(
        &[9; 32],
        "compliance-vault",
        "compliance-vault-portal",
        chrono::Duration::hours(1),
    )
    .unwrap()
    .issue(&subject, chrono::Utc::now(), &rng)
    .unwrap();
    let other_audience = signer("another-service")
        .issue(&subject, chrono::Utc::now(), &rng)
        .unwrap();
    let expired = signer("compliance-vault-portal")
        .issue(&subject, chrono::Utc::now() - chrono::Duration::hours(9), &rng)
        .unwrap();

    for (what, token) in [
        ("alg none", alg_none),
        ("tampered payload", tampered),
        ("another key", other_key.token.expose().to_owned()),
        ("another audience", other_audience.token.expose().to_owned()),
        ("expired", expired.token.expose().to_owned()),
        ("garbage", "not.a.token".to_owned()),
    ] {
        let response = app.me(&token).await;
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["code"],
            "not_signed_in",
            "{what}"
        );
    }
}

async fn a_client_sets_a_password_once_and_then_signs_in(app: TestApp) {
    let user = invited_client_user(&app, "landlord@example.com").await;
    let token = token_for(&app, &user, TokenKind::Setup).await;
    assert_eq!(
        app.login("landlord@example.com", PASSWORD).await.status(),
        401,
        "no password yet"
    );

    let weak = app.set_password(&token, "short").await;
    assert_eq!(weak.status(), 422);
    let problem: Value = weak.json().await.unwrap();
    assert_eq!(
        (
            problem["errors"][0]["field"].as_str(),
            problem["errors"][0]["code"].as_str()
        ),
        (Some("password"), Some("too_short"))
    );
    let common = app
        .set_password(&token, "password12345")
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(common["errors"][0]["code"], "too_common");

    assert_eq!(app.set_password(&token, PASSWORD).await.status(), 204);
    let again = app.set_password(&token, PASSWORD).await;
    assert_eq!(again.status(), 400, "a token works once");
    assert_eq!(again.json::<Value>().await.unwrap()["code"], "invalid_token");
    assert_eq!(app.set_password("made-up-token", PASSWORD).await.status(), 400);

    let updated = app.store.get_user(user.id).await.unwrap().unwrap();
    assert_eq!(
        (updated.status.as_str(), updated.password_status.as_str()),
        ("ACTIVE", "SET")
    );
    let me: Value = app
        .me(&app.token("landlord@example.com").await)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["role"].as_str(), me["client_id"].as_str()),
        (Some("CLIENT"), Some(user.client_id.unwrap().to_string().as_str()))
    );
    assert_eq!(audited(&app, AuditAction::PasswordSet).await, 1);
}

async fn twenty_concurrent_uses_of_one_token_set_the_password_once(app: TestApp) {
    let user = invited_client_user(&app, "race@example.com").await;
    let token = Arc::new(token_for(&app, &user, TokenKind::Setup).await);
    let app = Arc::new(app);
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let (app, token) = (Arc::clone(&app), Arc::clone(&token));
            tokio::spawn(async move { app.set_password(&token, PASSWORD).await.status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 204).count(), 1, "{statuses:?}");
    // The rest find the token spent, or (past the bound on concurrent hashes and its queue) are
    // told to retry before anything is checked.
    assert!(statuses.iter().all(|s| [204, 400, 503].contains(s)), "{statuses:?}");
    assert!(statuses.iter().filter(|s| **s == 400).count() >= 10, "{statuses:?}");
}

/// The dashboard's stored portfolio comes with the session's read, never instead of it.
async fn a_disabled_client_is_refused_its_stored_dashboard_on_the_next_request(app: TestApp) {
    create_admin(&app, "admin@example.com").await;
    let admin_token = app.token("admin@example.com").await;
    let user = crate::payments::provisioned_client(&app, "stored@example.com").await;
    let token = app.token("stored@example.com").await;
    for _ in 0..2 {
        let read = app.get_as(&token, "/api/client/dashboard").await;
        assert_eq!(read.status(), 200, "read, and so stored");
    }
    assert_eq!(app.switch_user(&admin_token, &user, "disable").await.status(), 200);
    let refused = app.get_as(&token, "/api/client/dashboard").await;
    assert_eq!(refused.status(), 403, "refused at once, stored portfolio or not");
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "user_disabled");
}

async fn a_disabled_user_is_refused_on_the_next_request(app: TestApp) {
    create_admin(&app, "admin@example.com").await;
    let admin_token = app.token("admin@example.com").await;
    let user = client_with_password(&app, "client@example.com").await;
    let client_token = app.token("client@example.com").await;
    assert_eq!(app.me(&client_token).await.status(), 200);
    // No pause: session times are kept to the microsecond, so disabling a moment after the
    // sign-in, in the same second, still ends the session.
    let disabled = app.switch_user(&admin_token, &user, "disable").await;
    assert_eq!(disabled.status(), 200);
    assert_eq!(disabled.json::<Value>().await.unwrap()["status"], "DISABLED");
    let refused = app.me(&client_token).await;
    assert_eq!(refused.status(), 403, "the unexpired token is refused at once");
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(
        (problem["code"].as_str(), problem["next"].as_str()),
        (Some("user_disabled"), Some("/contact-support"))
    );
    assert_eq!(app.login("client@example.com", PASSWORD).await.status(), 403);

    assert_eq!(app.switch_user(&admin_token, &user, "enable").await.status(), 200);
    assert_eq!(
        app.me(&client_token).await.status(),
        401,
        "enabling does not revive old sessions"
    );
    assert_eq!(app.me(&app.token("client@example.com").await).await.status(), 200);
    assert_eq!(audited(&app, AuditAction::UserDisabled).await, 1);
    assert!(audited(&app, AuditAction::RouteGuardRedirect).await >= 2);
}

async fn setting_a_password_ends_the_other_sessions(app: TestApp) {
    let user = client_with_password(&app, "client@example.com").await;
    let old_session = app.token("client@example.com").await;
    // No pause: a session signed in a moment before the reset, in the same second, ends too.
    let reset = token_for(&app, &user, TokenKind::Reset).await;
    assert_eq!(
        app.set_password(&reset, "another long passphrase 2").await.status(),
        204
    );

    let refused = app.me(&old_session).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json::<Value>().await.unwrap()["code"], "session_ended");
    assert_eq!(
        app.login("client@example.com", PASSWORD).await.status(),
        401,
        "the old password is gone"
    );
    let signed_in: Value = app
        .login("client@example.com", "another long passphrase 2")
        .await
        .json()
        .await
        .unwrap();
    let new_session = signed_in["access_token"].as_str().unwrap();
    assert_eq!(app.me(new_session).await.status(), 200, "signed in after the reset");
}

async fn the_eleventh_attempt_on_one_account_is_throttled(app: TestApp) {
    create_admin(&app, "admin@example.com").await;
    for i in 0..10 {
        assert_eq!(
            app.login("admin@example.com", "wrong password here").await.status(),
            401,
            "attempt {i}"
        );
    }
    let throttled = app.login("admin@example.com", PASSWORD).await;
    assert_eq!(throttled.status(), 429, "even with the right password");
    assert!(throttled.headers().contains_key("retry-after"));
    assert_eq!(
        app.login("other@example.com", "wrong password here").await.status(),
        401,
        "other accounts are not locked"
    );
}

async fn signing_out_ends_that_session_and_no_other(app: TestApp) {
    create_admin(&app, "admin@example.com").await;
    let (this, other) = (
        app.token("admin@example.com").await,
        app.token("admin@example.com").await,
    );
    let logout = app
        .http
        .post(format!("{}/api/auth/logout", app.address))
        .bearer_auth(&this)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    assert!(
        logout.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"),
        "the cookie is removed"
    );

    let refused = app.me(&this).await;
    assert_eq!(refused.status(), 401, "a copied token is useless after sign-out");
    assert_eq!(refused.json::<Value>().await.unwrap()["code"], "session_ended");
    assert_eq!(app.me(&other).await.status(), 200, "other sessions go on");
    assert_eq!(audited(&app, AuditAction::LoggedOut).await, 1);
}
