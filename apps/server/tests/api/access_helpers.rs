//! Users, tokens and sessions for the access tests, made through the use cases as provisioning
//! will make them.

use app::RequestContext;
use app::access::AccessServices;
use compliance_vault::clock::SystemClock;
use compliance_vault::rate_limit::InMemoryRateLimiter;
use compliance_vault::security::{Argon2Hasher, OsRandom};
use domain::{PortalUser, TokenKind};
use identity::{SessionSigner, SessionSubject};
use serde_json::{Value, json};

use crate::helpers::{PUBLIC_BASE_URL, TEST_JWT_SECRET, TEST_TOTP_KEY, TestApp};

pub const PASSWORD: &str = "amber kite over the lettings ledger";

pub fn signer(audience: &str) -> SessionSigner {
    SessionSigner::new(
        TEST_JWT_SECRET.as_bytes(),
        "compliance-vault",
        audience,
        chrono::Duration::hours(8),
    )
    .unwrap()
}

/// Runs `f` with the use-case services over a store (the test server's own database).
pub async fn with_services<T>(store: &dyn ports::Store, f: impl AsyncFnOnce(AccessServices<'_>) -> T) -> T {
    let limiter = InMemoryRateLimiter::default();
    let sessions = signer("compliance-vault-portal");
    let links = app::mail::Links::new(PUBLIC_BASE_URL);
    let hasher = Argon2Hasher::default();
    let totp_key = totp_key();
    let services = AccessServices {
        store,
        clock: &SystemClock,
        limiter: &limiter,
        hasher: &hasher,
        sessions: &sessions,
        rng: &OsRandom,
        login_limits: app::access::LoginLimits::default(),
        links: &links,
        totp_key: &totp_key,
    };
    f(services).await
}

/// The test servers' TOTP key.
pub fn totp_key() -> identity::TotpKey {
    identity::TotpKey::from_base64(TEST_TOTP_KEY).unwrap()
}

pub async fn create_admin(app: &TestApp, email: &str) -> PortalUser {
    with_services(&*app.store, async |s| {
        app::access::create_admin(s, email, PASSWORD, &RequestContext::system())
            .await
            .unwrap()
    })
    .await
}

/// An intake, then its invited (password-less) client user.
pub async fn invited_client_user(app: &TestApp, email: &str) -> PortalUser {
    let client_id = app.intake(email).await;
    let client = app.store.get_client(client_id).await.unwrap().unwrap();
    with_services(&*app.store, async |s| {
        app::access::invite_client_user(s, &client, &RequestContext::system())
            .await
            .unwrap()
    })
    .await
}

/// Queues a setup or reset email for the user, waits for the server to send it to its outbox,
/// and returns the token at the end of the emailed link, as the user would click it.
pub async fn token_for(app: &TestApp, user: &PortalUser, kind: TokenKind) -> String {
    let message_id = with_services(&*app.store, async |s| {
        app::access::queue_password_link(s, user.id, kind, &RequestContext::system())
            .await
            .unwrap()
    })
    .await;
    emailed_token(&app.settings.data_dir.join("outbox"), message_id).await
}

/// The token in the link of the email `message_id`, once it is in the outbox.
pub async fn emailed_token(outbox: &std::path::Path, message_id: domain::MessageId) -> String {
    let file = outbox.join(format!("{message_id}.json"));
    for _ in 0..200 {
        if let Ok(bytes) = std::fs::read(&file) {
            let email: Value = serde_json::from_slice(&bytes).unwrap();
            let model = &email["model"];
            let link = model["setup_url"].as_str().or(model["reset_url"].as_str()).unwrap();
            return link.split_once("token=").unwrap().1.to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("email {message_id} never reached the outbox");
}

/// A client user with a password set.
pub async fn client_with_password(app: &TestApp, email: &str) -> PortalUser {
    let user = invited_client_user(app, email).await;
    let token = token_for(app, &user, TokenKind::Setup).await;
    assert_eq!(app.set_password(&token, PASSWORD).await.status(), 204);
    app.store.get_user(user.id).await.unwrap().unwrap()
}

/// A session token for `user`, as the server would sign it.
pub fn session_for(user: &PortalUser) -> String {
    let subject = SessionSubject {
        user_id: user.id,
        role: user.role,
        client_id: user.client_id,
        mfa: false,
    };
    signer("compliance-vault-portal")
        .issue(&subject, chrono::Utc::now(), &OsRandom)
        .unwrap()
        .token
        .expose()
        .to_owned()
}

impl TestApp {
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.login_with(email, password, None).await
    }

    pub async fn login_with(&self, email: &str, password: &str, totp: Option<&str>) -> reqwest::Response {
        let body = json!({ "email": email, "password": password, "totp": totp });
        self.http
            .post(format!("{}/api/auth/login", self.address))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn token(&self, email: &str) -> String {
        let response = self.login(email, PASSWORD).await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn set_password(&self, token: &str, password: &str) -> reqwest::Response {
        let body = json!({ "token": token, "password": password });
        self.http
            .post(format!("{}/api/auth/set-password", self.address))
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn me(&self, token: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/api/auth/me", self.address))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn switch_user(&self, token: &str, user: &PortalUser, action: &str) -> reqwest::Response {
        let url = format!("{}/api/admin/users/{}/{action}", self.address, user.id);
        self.http.post(url).bearer_auth(token).send().await.unwrap()
    }
}
