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

/// The entry a line of `audit export` describes, rebuilt from the line alone, as a third party
/// holding only the export and docs/operations.md would.
fn entry_of_line(line: &serde_json::Value) -> domain::NewAuditEntry {
    let text = |key: &str| line[key].as_str().map(str::to_owned);
    let json = |key: &str| Some(line[key].clone()).filter(|v| !v.is_null());
    let mut entry = domain::NewAuditEntry::new(
        text("entry_id").unwrap().parse().unwrap(),
        text("occurred_at").unwrap().parse().unwrap(),
        text("action").unwrap().parse().unwrap(),
        domain::Actor {
            role: text("actor_role").unwrap().parse().unwrap(),
            id: text("actor_id"),
        },
    );
    entry.client_id = text("client_id").map(|c| c.parse().unwrap());
    entry.resource_type = text("resource_type");
    entry.resource_id = text("resource_id");
    entry.before = json("before");
    entry.after = json("after");
    entry.metadata = json("metadata");
    entry.request_id = text("request_id").map(|r| domain::RequestId::parse(&r).unwrap());
    entry
}

#[tokio::test]
async fn audit_export_prints_one_clients_entries_each_rehashable_from_its_line() {
    let dir = std::env::temp_dir().join(format!("cv-cli-{}", uuid::Uuid::new_v4().simple()));
    let settings = Settings::from_lookup(|name| (name == "DATA_DIR").then(|| dir.display().to_string())).unwrap();
    let (store, _) = open_store(&settings).await.unwrap();
    let now = chrono::Utc::now();
    let mut clients = Vec::new();
    for email in ["mine@example.com", "theirs@example.com"] {
        let (client, properties) = testkit::fixtures::stored_client(email, 1, now);
        let mut created = domain::NewAuditEntry::new(
            uuid::Uuid::now_v7(),
            now,
            domain::AuditAction::IntakeSubmitted,
            domain::Actor::anonymous(),
        );
        created.client_id = Some(client.id);
        store.create_client(&client, &properties, &created).await.unwrap();
        clients.push(client.id);
    }
    for i in 0..6 {
        let mut entry = domain::NewAuditEntry::new(
            uuid::Uuid::now_v7(),
            now,
            domain::AuditAction::ComplianceStatusChanged,
            domain::Actor::system(),
        );
        entry.client_id = Some(clients[i % 2]);
        entry.before = Some(serde_json::json!({ "status": "MISSING", "n": i }));
        entry.after = Some(serde_json::json!({ "status": "COMPLIANT", "note": "Tŷ \"Newydd\"" }));
        store.append(&entry).await.unwrap();
    }

    let mine = clients[0].to_string();
    let export = run(&dir, &["audit", "export", "--client", &mine]);
    assert!(export.status.success(), "{export:?}");
    let lines: Vec<serde_json::Value> = stdout(&export)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "the intake and three changes: {lines:?}");
    assert!(lines.iter().all(|l| l["client_id"] == mine.as_str()));
    let seqs: Vec<i64> = lines.iter().map(|l| l["seq"].as_i64().unwrap()).collect();
    assert_eq!(
        seqs,
        [1, 3, 5, 7],
        "oldest first; the other client's entries in between"
    );
    for line in &lines {
        let prev = line["prev_hash"]
            .as_str()
            .map(|h| domain::ChainHash::try_from(h.to_owned()).unwrap());
        let hash = entry_of_line(line).chain_hash(line["seq"].as_i64().unwrap(), prev.as_ref());
        assert_eq!(hash.to_hex(), line["hash"].as_str().unwrap(), "{line}");
    }
    assert!(String::from_utf8_lossy(&export.stderr).contains("exported 4 entries"));

    let today = now.date_naive();
    let in_range = run(
        &dir,
        &[
            "audit",
            "export",
            "--client",
            &mine,
            "--from",
            &today.to_string(),
            "--to",
            &today.to_string(),
        ],
    );
    assert_eq!(stdout(&in_range).lines().count(), 4);
    let tomorrow = today.succ_opt().unwrap().to_string();
    let later = run(&dir, &["audit", "export", "--client", &mine, "--from", &tomorrow]);
    assert!(later.status.success());
    assert_eq!(stdout(&later), "");

    let unknown = run(
        &dir,
        &["audit", "export", "--client", &uuid::Uuid::now_v7().to_string()],
    );
    assert_eq!(unknown.status.code(), Some(2));
    let backwards = run(
        &dir,
        &[
            "audit",
            "export",
            "--client",
            &mine,
            "--from",
            &tomorrow,
            "--to",
            &today.to_string(),
        ],
    );
    assert_eq!(backwards.status.code(), Some(2));
    let not_an_id = run(&dir, &["audit", "export", "--client", "someone"]);
    assert_eq!(not_an_id.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn demo_fills_an_empty_database_with_every_colour_once_and_never_in_production() {
    let dir = std::env::temp_dir().join(format!("cv-cli-{}", uuid::Uuid::new_v4().simple()));
    let demo = run(&dir, &["demo"]);
    assert!(demo.status.success(), "{demo:?}");
    let said = stdout(&demo);
    assert!(
        said.contains("admin: admin@demo.example") && said.contains("password (shown once): "),
        "{said}"
    );

    let settings = Settings::from_lookup(|name| (name == "DATA_DIR").then(|| dir.display().to_string())).unwrap();
    let (store, _) = open_store(&settings).await.unwrap();
    assert_eq!(store.count_clients().await.unwrap(), 3);
    let today = domain::uk_date(chrono::Utc::now());
    let (mut statuses, mut colours) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    let mut nations = std::collections::BTreeSet::new();
    for email in ["alys@demo.example", "bryony@demo.example", "calder@demo.example"] {
        let client = store
            .find_client_by_email(&domain::Email::parse(email).unwrap())
            .await
            .unwrap()
            .unwrap();
        let documents = store.list_documents(client.id).await.unwrap();
        statuses.extend(documents.iter().map(|d| d.status));
        let properties = store.list_properties(client.id).await.unwrap();
        nations.extend(properties.iter().map(|p| p.details.nation));
        let portfolio = app::documents::portfolio_of(properties, &documents, today);
        colours.extend(
            portfolio
                .properties
                .iter()
                .flat_map(|p| p.requirements.iter().map(|r| r.rag())),
        );
    }
    assert_eq!(
        statuses.len(),
        3,
        "verified, pending and rejected documents: {statuses:?}"
    );
    assert_eq!(nations.len(), 3, "England, Wales and Scotland");
    for colour in [domain::Rag::Red, domain::Rag::Amber, domain::Rag::Green] {
        assert!(colours.contains(&colour), "{colour:?} in {colours:?}");
    }

    let again = run(&dir, &["demo"]);
    assert_eq!(again.status.code(), Some(2), "only an empty database");
    let production = Command::new(env!("CARGO_BIN_EXE_compliance-vault"))
        .arg("demo")
        .env("DATA_DIR", dir.join("elsewhere"))
        .env("ENVIRONMENT", "production")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(
        production.status.code(),
        Some(2),
        "refused in production (or its settings)"
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

#[test]
fn production_serve_and_migrate_name_each_unsafe_setting_and_do_not_start() {
    let good = [
        ("ENVIRONMENT", "production"),
        ("JWT_SECRET", "p9Vx2mQ7rT4wK8zL1nB6cF3hJ5dG0sYe"),
        ("PUBLIC_BASE_URL", "https://vault.example"),
        ("SMTP_URL", "smtp://127.0.0.1:9"),
        ("TOTP_ENCRYPTION_KEY", "dGVzdC1vbmx5LXRvdHAta2V5LW9mLTMyLWJ5dGVzISE="),
        ("PACK_SIGNING_KEY", "dGVzdC1vbmx5LXBhY2stc2lnbmluZy1rZXktMzJieXQ="),
    ];
    let spoiled: [(&str, &str, &str); 5] = [
        ("TOTP_ENCRYPTION_KEY", "", "TOTP_ENCRYPTION_KEY"),
        ("PACK_SIGNING_KEY", "", "PACK_SIGNING_KEY"),
        ("SMTP_URL", "", "POSTMARK_SERVER_TOKEN"),
        ("PUBLIC_BASE_URL", "http://vault.example", "PUBLIC_BASE_URL"),
        ("JWT_SECRET", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "JWT_SECRET"),
    ];
    for command in ["serve", "migrate"] {
        for (name, value, named) in spoiled {
            let dir = std::env::temp_dir().join(format!("cv-prod-{}", uuid::Uuid::new_v4().simple()));
            let mut run = Command::new(env!("CARGO_BIN_EXE_compliance-vault"));
            run.arg(command)
                .env_remove("DATABASE_URL")
                .env("DATA_DIR", &dir)
                .env("BIND_ADDR", "127.0.0.1:0");
            for (key, good_value) in good {
                if key != name {
                    run.env(key, good_value);
                }
            }
            if !value.is_empty() {
                run.env(name, value);
            } else {
                run.env_remove(name);
            }
            let output = run.output().unwrap();
            assert_eq!(
                output.status.code(),
                Some(2),
                "{command} with {name}={value:?}: {output:?}"
            );
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains(named), "{command} names {named}: {stderr}");
            assert!(!dir.exists(), "nothing was created before the refusal");
        }
    }
}

fn compliance_check(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_compliance-vault"))
        .args(["compliance", "check"])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

const EXAMPLE: &str = r#"{"property": {"nation": "ENGLAND", "has_gas_supply": true, "is_hmo": false,
              "has_communal_areas": false, "tenancy_start_date": "2025-06-01"},
 "evidence": [
   {"requirement": "GAS_SAFETY", "status": "VERIFIED", "issue_date": "2025-01-10"},
   {"requirement": "EICR", "status": "VERIFIED", "issue_date": "2022-03-01", "expiry_date": "2025-03-01"},
   {"requirement": "EPC", "status": "PENDING", "issue_date": "2019-04-01", "epc_rating": "F",
    "exemption_expiry_date": "2026-04-01"}
 ]}"#;

#[test]
fn compliance_check_evaluates_the_documented_example() {
    let output = compliance_check(&["--today", "2025-12-20"], EXAMPLE);
    assert!(output.status.success(), "{output:?}");
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(result["as_of"], "2025-12-20");
    assert_eq!(result["property_status"], "RED");
    let requirement = |name: &str| {
        result["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["requirement"] == name)
            .cloned()
            .unwrap()
    };
    let gas = requirement("GAS_SAFETY");
    assert_eq!(
        (gas["status"].as_str(), gas["rag"].as_str()),
        (Some("EXPIRING_SOON"), Some("AMBER"))
    );
    assert_eq!(
        (gas["due_date"].as_str(), gas["last_done"].as_str()),
        (Some("2026-01-10"), Some("2025-01-10"))
    );
    assert_eq!(gas["counts_from"], "2025-01-10");
    let eicr = requirement("EICR");
    assert_eq!(
        (eicr["status"].as_str(), eicr["rag"].as_str()),
        (Some("OVERDUE"), Some("RED"))
    );
    assert_eq!(eicr["due_date"], "2025-03-01");
    let hmo = requirement("HMO_LICENCE");
    assert_eq!(
        (hmo["status"].as_str(), hmo["rag"].as_str()),
        (Some("NOT_APPLICABLE"), Some("GREY"))
    );
    assert!(hmo["due_date"].is_null());
}

#[test]
fn compliance_check_refuses_bad_input_with_exit_code_2() {
    for (input, args) in [
        ("{not json", vec!["--today", "2025-12-20"]),
        (
            r#"{"property": {}, "evidence": [{"requirement": "UNICORN", "status": "VERIFIED"}]}"#,
            vec!["--today", "2025-12-20"],
        ),
        (EXAMPLE, vec!["--today", "2025-13-40"]),
    ] {
        let output = compliance_check(&args, input);
        assert_eq!(output.status.code(), Some(2), "{input} {args:?}: {output:?}");
        assert!(output.stdout.is_empty());
        assert!(!output.stderr.is_empty(), "a bad input is explained on stderr");
    }
}

#[test]
fn stripe_sign_event_prints_a_header_the_webhook_accepts() {
    let event = br#"{"id":"evt_cli","type":"checkout.session.completed","created":1700000000,"data":{"object":{}}}"#;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_compliance-vault"))
        .args(["stripe", "sign-event", "--timestamp", "1700000000"])
        .env("STRIPE_WEBHOOK_SECRET", "whsec_cli")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), event).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let header = String::from_utf8(output.stdout).unwrap();
    let header = header.trim();
    assert!(header.starts_with("t=1700000000,v1="), "{header}");
    assert_eq!(
        adapter_stripe::verify(event, Some(header), "whsec_cli", 1_700_000_100, 300),
        Ok(())
    );
    assert!(adapter_stripe::verify(event, Some(header), "whsec_other", 1_700_000_100, 300).is_err());
}
