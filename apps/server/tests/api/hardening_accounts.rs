//! Accounts held shut: a disabled user's links die with it, second-factor guesses are limited,
//! TOTP secrets are kept encrypted (and old clear ones encrypted at start), and the last
//! active admin stays.

use domain::{AuditAction, MessageStatus, TokenKind};
use serde_json::Value;

use crate::access_helpers::{
    PASSWORD, client_with_password, create_admin, invited_client_user, token_for, totp_key, with_services,
};
use crate::helpers::{Backend, PRODUCTION, TestApp, audited, spawn_app, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_a_user_revokes_its_links_and_set_password_refuses_it() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    create_admin(&app, "admin@example.com").await;
    let admin_token = app.token("admin@example.com").await;
    let user = client_with_password(&app, "leaving@example.com").await;
    let reset = token_for(&app, &user, TokenKind::Reset).await;

    assert_eq!(app.switch_user(&admin_token, &user, "disable").await.status(), 200);
    let refused = app.set_password(&reset, "a brand new passphrase").await;
    assert_eq!(refused.status(), 400);
    assert_eq!(refused.json::<Value>().await.unwrap()["code"], "invalid_token");
    assert_eq!(app.switch_user(&admin_token, &user, "enable").await.status(), 200);
    assert_eq!(
        app.set_password(&reset, "a brand new passphrase").await.status(),
        400,
        "a revoked link stays revoked when the user comes back"
    );
    assert_eq!(app.login("leaving@example.com", PASSWORD).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_delivery_worker_fails_a_disabled_users_link_instead_of_minting_a_token() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    create_admin(&app, "admin@example.com").await;
    let admin_token = app.token("admin@example.com").await;
    let user = invited_client_user(&app, "gone@example.com").await;
    assert_eq!(app.switch_user(&admin_token, &user, "disable").await.status(), 200);
    // A link queued before the disable took effect, as a race would leave it.
    let message_id = with_services(&*app.store, async |s| {
        app::access::queue_password_link(s, user.id, TokenKind::Setup, &app::RequestContext::system())
            .await
            .unwrap()
    })
    .await;
    let mut record = None;
    for _ in 0..200 {
        let found = app.store.get_message(message_id).await.unwrap().unwrap();
        if found.status != MessageStatus::Queued {
            record = Some(found);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let record = record.expect("the worker took the email");
    assert_eq!(record.status, MessageStatus::Failed);
    assert_eq!(record.error.as_deref(), Some("user disabled"));
    assert!(
        app.outbox().iter().all(|e| e["to"] != "gone@example.com"),
        "nothing sent"
    );
    let url = app.settings.database_url();
    let mut db = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let minted: i64 = sqlx::query_scalar("SELECT count(*) FROM password_tokens WHERE user_id = $1")
        .bind(user.id.to_string())
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(minted, 0, "no token was made for the disabled user");
}

/// An enrolled admin's second factor, as its authenticator app shows it now.
async fn enrolled(app: &TestApp, email: &str) -> domain::PortalUser {
    let admin = create_admin(app, email).await;
    with_services(&*app.store, async |s| {
        app::access::enrol_second_factor(s, email, &app::RequestContext::system())
            .await
            .unwrap()
    })
    .await;
    admin
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_factor_codes_are_limited_per_account() {
    let mut settings = PRODUCTION.to_vec();
    settings.push(("TOTP_ATTEMPTS_PER_ACCOUNT", "2"));
    let app = spawn_app(Backend::Sqlite, &settings).await.unwrap();
    let admin = enrolled(&app, "admin@example.com").await;
    for wrong in ["000000", "111111"] {
        let response = app.login_with("admin@example.com", PASSWORD, Some(wrong)).await;
        assert_eq!(response.status(), 401, "{wrong}");
    }
    let sealed = app.store.second_factor(admin.id).await.unwrap().unwrap().totp_secret;
    let code = totp_key()
        .open(admin.id, &sealed)
        .unwrap()
        .code_at(chrono::Utc::now())
        .unwrap();
    let throttled = app.login_with("admin@example.com", PASSWORD, Some(&code)).await;
    assert_eq!(throttled.status(), 429, "a third guess waits, even a right one");
    assert!(throttled.headers().contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totp_secrets_are_stored_encrypted_and_clear_ones_are_encrypted_at_start() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let enrolled_now = enrolled(&app, "new@example.com").await;
    let stored = app
        .store
        .second_factor(enrolled_now.id)
        .await
        .unwrap()
        .unwrap()
        .totp_secret;
    assert_eq!(
        stored.len(),
        identity::SEALED_TOTP_SECRET_BYTES,
        "sealed, not 20 clear bytes"
    );

    // A secret written in the clear, as a database from before encryption at rest holds it.
    let old = create_admin(&app, "old@example.com").await;
    let entry = domain::NewAuditEntry::new(
        uuid::Uuid::now_v7(),
        chrono::Utc::now(),
        AuditAction::SecondFactorEnrolled,
        domain::Actor::system(),
    );
    app.store
        .enrol_second_factor(old.id, &[9; 20], &[], chrono::Utc::now(), &entry)
        .await
        .unwrap();
    // The next start encrypts it, audited; the secret itself is unchanged.
    start(&app.settings).await;
    let sealed = app.store.second_factor(old.id).await.unwrap().unwrap().totp_secret;
    assert_eq!(sealed.len(), identity::SEALED_TOTP_SECRET_BYTES);
    assert_eq!(
        totp_key().open(old.id, &sealed).unwrap(),
        identity::TotpSecret::from_bytes([9; 20])
    );
    assert_eq!(audited(&app, AuditAction::SecondFactorEncrypted).await.len(), 1);
    assert_eq!(
        app.store
            .second_factor(enrolled_now.id)
            .await
            .unwrap()
            .unwrap()
            .totp_secret,
        stored,
        "sealed secrets are left alone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_active_admin_cannot_be_disabled() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let admin = create_admin(&app, "only@example.com").await;
    let token = app.token("only@example.com").await;
    let refused = app.switch_user(&token, &admin, "disable").await;
    assert_eq!(refused.status(), 409);
    assert_eq!(refused.json::<Value>().await.unwrap()["code"], "last_active_admin");
    assert_eq!(app.me(&token).await.status(), 200, "nothing changed");

    let second = create_admin(&app, "second@example.com").await;
    assert_eq!(app.switch_user(&token, &second, "disable").await.status(), 200);
    assert_eq!(
        app.switch_user(&token, &admin, "disable").await.status(),
        409,
        "the other admin is disabled: this one is the last again"
    );
}
