//! The command line, run as a user would run it: the real binary, a real database.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

use compliance_vault::config::Settings;
use compliance_vault::startup::open_store;

fn run(data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_compliance-vault"))
        .args(args)
        .env("DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn audit_verify_passes_a_whole_chain_and_names_a_changed_or_deleted_entry() {
    let dir = std::env::temp_dir().join(format!("cv-cli-{}", uuid::Uuid::new_v4().simple()));
    let settings = Settings::from_lookup(|name| (name == "DATA_DIR").then(|| dir.display().to_string())).unwrap();
    let (store, _) = open_store(&settings).await.unwrap();
    for i in 0..5 {
        let entry = domain::NewAuditEntry::new(
            uuid::Uuid::now_v7(),
            chrono::Utc::now(),
            domain::AuditAction::LoginFailed,
            domain::Actor {
                role: domain::ActorRole::Anonymous,
                id: Some(format!("attempt-{i}")),
            },
        );
        store.append(&entry).await.unwrap();
    }

    let ok = run(&dir, &["audit", "verify"]);
    assert!(ok.status.success(), "{ok:?}");
    assert_eq!(stdout(&ok), "OK: 5 entries verified; 0 not yet sealed\n");

    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}/compliance-vault.db", dir.display()))
        .await
        .unwrap();
    sqlx::raw_sql("DROP TRIGGER audit_log_sealed_is_final; DROP TRIGGER audit_log_no_delete")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 4")
        .execute(&pool)
        .await
        .unwrap();
    let changed = run(&dir, &["audit", "verify"]);
    assert_eq!(changed.status.code(), Some(1));
    assert!(
        stdout(&changed).starts_with("BROKEN at entry 4 (id "),
        "{}",
        stdout(&changed)
    );
    assert!(stdout(&changed).contains("does not match its hash"));

    sqlx::query("DELETE FROM audit_log WHERE seq IN (2, 4)")
        .execute(&pool)
        .await
        .unwrap();
    let deleted = run(&dir, &["audit", "verify"]);
    assert_eq!(deleted.status.code(), Some(1));
    assert!(
        stdout(&deleted).starts_with("BROKEN at entry 2: entry 2 is missing"),
        "{}",
        stdout(&deleted)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn production_refuses_to_start_with_a_weak_jwt_secret_naming_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_compliance-vault"))
        .arg("migrate")
        .env("ENVIRONMENT", "production")
        .env("JWT_SECRET", "too-short")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("JWT_SECRET"),
        "{output:?}"
    );
}
