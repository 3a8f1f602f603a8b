//! Nothing secret is ever written down: a full flow through the real server, with every log line
//! at debug level, then a search of the logs and the audit log for each secret it handled.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use app::RequestContext;
use compliance_vault::config::Settings;
use compliance_vault::startup::open_store;
use domain::{ClientId, TokenKind};
use serde_json::{Value, json};

use crate::access_helpers::{emailed_token, with_services};
use crate::helpers::{TEST_JWT_SECRET, valid_intake};

const ADMIN_PASSWORD: &str = "first admin passphrase 7319";
const CLIENT_PASSWORD: &str = "client chose this passphrase 4402";
const WRONG_PASSWORD: &str = "a wrong guess at the password 11";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_token_or_hash_reaches_a_log_line_or_the_audit_log() {
    let dir = std::env::temp_dir().join(format!("cv-secrets-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let log_path = dir.join("server.log");
    let binary = env!("CARGO_BIN_EXE_compliance-vault");
    let env = [
        ("DATA_DIR", dir.display().to_string()),
        ("JWT_SECRET", TEST_JWT_SECRET.to_owned()),
    ];

    let mut create = Command::new(binary)
        .args(["admin", "create", "--email", "admin@example.com"])
        .envs(env.clone())
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut create.stdin.take().unwrap(),
        format!("{ADMIN_PASSWORD}\n").as_bytes(),
    )
    .unwrap();
    assert!(create.wait().unwrap().success());

    let mut server = Command::new(binary)
        .arg("serve")
        .envs(env.clone())
        .envs([
            ("BIND_ADDR", "127.0.0.1:0"),
            ("LOG_FORMAT", "json"),
            ("RUST_LOG", "debug"),
        ])
        .env_remove("DATABASE_URL")
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let base = wait_for_port(&log_path);
    let http = reqwest::Client::new();

    // An intake, its client user and a setup token, made as provisioning will make them.
    let intake: Value = http
        .post(format!("{base}/api/intake/submit"))
        .json(&valid_intake("client@example.com"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let settings = Settings::from_lookup(|name| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())).unwrap();
    let (store, _) = open_store(&settings).await.unwrap();
    let client_id: ClientId = intake["client_id"].as_str().unwrap().parse().unwrap();
    let client = store.get_client(client_id).await.unwrap().unwrap();
    let message_id = with_services(&*store, async |s| {
        let user = app::access::invite_client_user(s, &client, &RequestContext::system())
            .await
            .unwrap();
        app::access::queue_password_link(s, user.id, TokenKind::Setup, &RequestContext::system())
            .await
            .unwrap()
    })
    .await;
    let setup_token = emailed_token(&dir.join("outbox"), message_id).await;

    let set = json!({ "token": setup_token, "password": CLIENT_PASSWORD });
    assert_eq!(
        http.post(format!("{base}/api/auth/set-password"))
            .json(&set)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let login = |email: &str, password: &str| {
        http.post(format!("{base}/api/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
    };
    assert_eq!(login("client@example.com", WRONG_PASSWORD).await.unwrap().status(), 401);
    let client_session: Value = login("client@example.com", CLIENT_PASSWORD)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin_session: Value = login("admin@example.com", ADMIN_PASSWORD)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client_token = client_session["access_token"].as_str().unwrap();
    let admin_token = admin_session["access_token"].as_str().unwrap();
    assert_eq!(
        http.get(format!("{base}/api/auth/me"))
            .bearer_auth(client_token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let user = store
        .find_user_by_email(&domain::Email::parse("client@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let disable = http
        .post(format!("{base}/api/admin/users/{}/disable", user.id))
        .bearer_auth(admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(disable.status(), 200);
    assert_eq!(
        http.get(format!("{base}/api/auth/me"))
            .bearer_auth(client_token)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    let forgot = http
        .post(format!("{base}/api/auth/forgot-password"))
        .json(&json!({ "email": "admin@example.com" }))
        .send()
        .await
        .unwrap();
    assert_eq!(forgot.status(), 202);
    let reset_token = emailed_reset_token(&dir.join("outbox"));

    Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(server.wait().unwrap().success());

    let mut written = String::new();
    std::fs::File::open(&log_path)
        .unwrap()
        .read_to_string(&mut written)
        .unwrap();
    assert!(written.contains("request served"), "the logs were captured");
    for entry in store.sealed_entries(0, 10_000).await.unwrap() {
        written.push_str(&serde_json::to_string(&entry.entry).unwrap());
    }
    assert!(
        written.contains("LOGIN_FAILED") && written.contains("PASSWORD_SET"),
        "the audit log was read"
    );
    let admin = store
        .find_user_by_email(&domain::Email::parse("admin@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let hashes = [user.password_hash.unwrap(), admin.password_hash.unwrap()];
    let secrets = [
        ("the admin's password", ADMIN_PASSWORD),
        ("the client's password", CLIENT_PASSWORD),
        ("a wrong password", WRONG_PASSWORD),
        ("the setup token", setup_token.as_str()),
        ("the emailed reset token", reset_token.as_str()),
        ("the client's session", client_token),
        ("the admin's session", admin_token),
        ("the JWT secret", TEST_JWT_SECRET),
        ("the client's password hash", hashes[0].as_str()),
        ("the admin's password hash", hashes[1].as_str()),
    ];
    // A copy of the database (with its write-ahead log) holds no token either: links get their
    // token as they are sent, and only its hash is stored.
    let mut database = Vec::new();
    for file in ["compliance-vault.db", "compliance-vault.db-wal"] {
        database.extend(std::fs::read(dir.join(file)).unwrap_or_default());
    }
    assert!(database.len() > 10_000, "the database was read");
    for (what, token) in [("setup", setup_token.as_str()), ("reset", reset_token.as_str())] {
        let found = database.windows(token.len()).any(|w| w == token.as_bytes());
        assert!(!found, "the {what} token is in the database files");
    }
    for (what, secret) in secrets {
        assert!(
            !written.contains(secret),
            "{what} was written to the logs or the audit log"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Waits for the reset email in the outbox and returns the token at the end of its link.
fn emailed_reset_token(outbox: &std::path::Path) -> String {
    let started = Instant::now();
    loop {
        for entry in std::fs::read_dir(outbox).into_iter().flatten().flatten() {
            let Ok(email) = serde_json::from_slice::<Value>(&std::fs::read(entry.path()).unwrap_or_default()) else {
                continue;
            };
            if let Some(link) = email["model"]["reset_url"].as_str() {
                return link.split_once("token=").unwrap().1.to_owned();
            }
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no reset email arrived");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Reads the server's JSON log until it says where it listens.
fn wait_for_port(log_path: &std::path::Path) -> String {
    let started = Instant::now();
    loop {
        let log = std::fs::read_to_string(log_path).unwrap_or_default();
        for line in log.lines() {
            let Ok(event) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if event["message"] == "listening" {
                return format!("http://127.0.0.1:{}", event["port"]);
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not start: {log}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
