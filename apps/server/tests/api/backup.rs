//! `backup --to` while the server runs, then `restore --from` into a fresh data directory: every
//! client, every document by its hash, the admin's second factor and the audit chain come back.

use std::process::Command;

use sha2::{Digest, Sha256};

use crate::access_helpers::{PASSWORD, create_admin};
use crate::helpers::{Backend, spawn_app, spawn_app_in};

/// The keys are generated into the data directory (the development default), so the backup
/// must carry them.
const KEYS_IN_DATA_DIR: &[(&str, &str)] = &[("TOTP_ENCRYPTION_KEY", ""), ("PACK_SIGNING_KEY", "")];

fn cli(data_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_compliance-vault"))
        .args(args)
        .env("DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("TOTP_ENCRYPTION_KEY")
        .env_remove("PACK_SIGNING_KEY")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_a_running_server_restores_every_client_document_admin_and_the_chain() {
    let app = spawn_app(Backend::Sqlite, KEYS_IN_DATA_DIR).await.unwrap();
    let data_dir = app.settings.data_dir.clone();
    create_admin(&app, "backup-admin@example.com").await;
    let admin = app.token("backup-admin@example.com").await;
    let first = crate::jobs::evidenced_client(&app, &admin, "first@example.com").await;
    let second = crate::jobs::evidenced_client(&app, &admin, "second@example.com").await;
    let enrol = cli(
        &data_dir,
        &["admin", "totp-enrol", "--email", "backup-admin@example.com"],
    );
    assert!(enrol.status.success(), "{}", String::from_utf8_lossy(&enrol.stderr));

    // Taken while the server serves.
    let backup_dir = std::env::temp_dir().join(format!("cv-backup-{}", uuid::Uuid::now_v7().simple()));
    let backup = cli(&data_dir, &["backup", "--to", backup_dir.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&backup.stdout);
    assert!(
        backup.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    assert!(said.contains("8 documents, 2 secrets"), "{said}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(backup_dir.join("secrets/totp-encryption.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "a key in the backup is private");
    }

    // A fresh data directory.
    let restored_dir = std::env::temp_dir().join(format!("cv-restored-{}", uuid::Uuid::now_v7().simple()));
    let restore = cli(&restored_dir, &["restore", "--from", backup_dir.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&restore.stdout);
    assert!(
        restore.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&restore.stderr)
    );
    assert!(said.contains("audit chain OK"), "{said}");
    let again = cli(&restored_dir, &["restore", "--from", backup_dir.to_str().unwrap()]);
    assert!(!again.status.success(), "never over a restored directory");

    let restored = spawn_app_in(restored_dir.clone(), Backend::Sqlite, KEYS_IN_DATA_DIR)
        .await
        .unwrap();
    for client in [first, second] {
        let before = app.store.get_client(client).await.unwrap().unwrap();
        assert_eq!(restored.store.get_client(client).await.unwrap(), Some(before));
        let documents = app.store.list_documents(client).await.unwrap();
        assert_eq!(documents.len(), 4);
        assert_eq!(restored.store.list_documents(client).await.unwrap(), documents);
    }

    // The admin signs in on the restored server with a code from the restored key.
    let refused = restored.login_with("backup-admin@example.com", PASSWORD, None).await;
    assert_eq!(refused.status(), 401, "the second factor came back too");
    let email = domain::Email::parse("backup-admin@example.com").unwrap();
    let user = restored.store.find_user_by_email(&email).await.unwrap().unwrap();
    let sealed = restored
        .store
        .second_factor(user.id)
        .await
        .unwrap()
        .unwrap()
        .totp_secret;
    let key = std::fs::read_to_string(restored_dir.join("totp-encryption.key")).unwrap();
    let code = identity::TotpKey::from_base64(&key)
        .unwrap()
        .open(user.id, &sealed)
        .unwrap()
        .code_at(chrono::Utc::now())
        .unwrap();
    let signed_in = restored
        .login_with("backup-admin@example.com", PASSWORD, Some(&code))
        .await;
    assert_eq!(signed_in.status(), 200);
    let token = signed_in.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // Every document downloads with the hash it was uploaded with.
    for client in [first, second] {
        for document in restored.store.list_documents(client).await.unwrap() {
            let response = restored
                .get_as(&token, &format!("/api/admin/documents/{}/download", document.id))
                .await;
            assert_eq!(response.status(), 200);
            let bytes = response.bytes().await.unwrap();
            assert_eq!(<[u8; 32]>::from(Sha256::digest(&bytes)), document.file.sha256);
        }
    }

    // A file changed in the backup stops a restore before it writes anything.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backup_dir.join("manifest.json")).unwrap()).unwrap();
    let document = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "document")
        .unwrap()["path"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(backup_dir.join(&document), b"tampered").unwrap();
    let elsewhere = std::env::temp_dir().join(format!("cv-restored-{}", uuid::Uuid::now_v7().simple()));
    let tampered = cli(&elsewhere, &["restore", "--from", backup_dir.to_str().unwrap()]);
    assert!(!tampered.status.success());
    assert!(String::from_utf8_lossy(&tampered.stderr).contains("do not match the manifest"));
    assert!(!elsewhere.join("compliance-vault.db").exists(), "nothing restored");
    for dir in [backup_dir, elsewhere] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
