//! The compliance pack as its recipient meets it: a 15-property portfolio (a Welsh address
//! among them) read back from the PDF with pdftotext, the ZIP unpacked and checked with
//! `sha256sum -c`, `pack verify` passing and then failing on one changed byte or a manifest
//! signed with another key; the plans and roles that may not have one; the audit entry.

use std::path::Path;
use std::process::Command;

use ports::PackSigner;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use testkit::fixtures::pdf_bytes as pdf;

use crate::access_helpers::create_admin;
use crate::calls::signed_in_client;
use crate::helpers::{TEST_PACK_KEY, TempDir, TestApp, audited, on_both_backends, spawn_app, valid_intake};

on_both_backends!(a_fifteen_property_pack_holds_everything_and_verifies_offline);

const WELSH: &str = "Tŷ Newydd, Ffordd y Môr";

fn fifteen_properties(email: &str) -> Value {
    let mut intake = valid_intake(email);
    intake["billing_plan"] = json!("PLAN_6_15");
    intake["full_name"] = json!("Gwenllian Ŵyn");
    let mut properties =
        vec![json!({ "address_line_1": WELSH, "city": "Aberystwyth", "postcode": "SY23 1AB", "nation": "WALES" })];
    properties.extend(
        (2..=15).map(|n| json!({ "address_line_1": format!("{n} Park Row"), "city": "Leeds", "postcode": "LS1 5HD" })),
    );
    intake["properties"] = Value::Array(properties);
    intake
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Vec<u8>) {
    let response = app.get_as(token, path).await;
    (response.status().as_u16(), response.bytes().await.unwrap().to_vec())
}

fn run(program: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (install it: .ci/run does): {e}"))
}

fn verify(file: &Path, key: Option<&str>) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_compliance-vault"));
    command.args(["pack", "verify"]).arg(file);
    if let Some(key) = key {
        command.args(["--key", key]);
    }
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// Unpacks `zip` into a fresh directory.
fn unzip(zip: &[u8], dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("pack.zip"), zip).unwrap();
    let out = run("unzip", dir, &["-q", "pack.zip", "-d", "files"]);
    assert!(out.status.success(), "{out:?}");
}

/// Zips `dir/files` again as `name`.
fn rezip(dir: &Path, name: &str) -> std::path::PathBuf {
    let out = run(
        "zip",
        &dir.join("files"),
        &["-q", "-r", "-X", &format!("../{name}"), "."],
    );
    assert!(out.status.success(), "{out:?}");
    dir.join(name)
}

async fn a_fifteen_property_pack_holds_everything_and_verifies_offline(app: TestApp) {
    create_admin(&app, "ops@example.com").await;
    let admin = app.token("ops@example.com").await;
    let user = crate::payments::provisioned_from(&app, &fifteen_properties("portfolio@example.com")).await;
    let client_id = user.client_id.unwrap();
    let token = app.token("portfolio@example.com").await;
    let properties = app.store.list_properties(client_id).await.unwrap();
    assert_eq!(properties.len(), 15);
    for (n, property) in properties.iter().enumerate() {
        let id = property.id.to_string();
        let gas = app
            .uploaded(&token, &[("property_id", id.as_str())], &pdf(200 + n))
            .await;
        let facts = json!({ "requirement": "GAS_SAFETY", "issue_date": "2026-06-01" });
        assert_eq!(app.verify(&admin, &gas, &facts).await.status(), 200);
        if n % 5 == 0 {
            let eicr = app
                .uploaded(&token, &[("property_id", id.as_str())], &pdf(900 + n))
                .await;
            let facts = json!({ "requirement": "EICR", "issue_date": "2022-03-01" });
            assert_eq!(app.verify(&admin, &eicr, &facts).await.status(), 200);
        }
    }
    let documents = app.store.list_documents(client_id).await.unwrap();
    assert_eq!(documents.len(), 18);

    // JSON: every property, requirement and piece of evidence, with its hash as uploaded.
    let (status, body) = get(&app, &token, "/api/client/compliance-pack?format=json").await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let pack: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(pack["format"], "compliance-vault/pack/v1");
    assert_eq!(pack["client"]["billing_plan"], "PLAN_6_15");
    assert_eq!(pack["summary"]["properties"], 15);
    assert_eq!(pack["summary"]["evidence"], 18);
    let listed = pack["properties"].as_array().unwrap();
    assert_eq!(listed.len(), 15);
    assert!(
        listed
            .iter()
            .any(|p| p["address_line_1"] == WELSH && p["nation"] == "WALES")
    );
    let cited: Vec<&Value> = listed
        .iter()
        .flat_map(|p| p["requirements"].as_array().unwrap())
        .flat_map(|r| r["evidence"].as_array().unwrap())
        .collect();
    for document in &documents {
        let hash = hex::encode(document.file.sha256);
        let evidence = cited
            .iter()
            .find(|e| e["document_id"] == document.id.to_string().as_str());
        let evidence = evidence.unwrap_or_else(|| panic!("{} is cited", document.id));
        assert_eq!(evidence["sha256"], hash.as_str());
        assert_eq!(evidence["verified_by"], "ops@example.com");
        assert_eq!(
            evidence["archive_name"],
            format!("evidence/{}.pdf", document.id).as_str()
        );
    }

    // PDF: what a reader sees holds every property, requirement, status, due date and hash.
    let dir = TempDir(app.settings.data_dir.join("pack-test"));
    let (status, pdf_bytes) = get(&app, &token, "/api/client/compliance-pack").await;
    assert_eq!(status, 200);
    assert!(pdf_bytes.starts_with(b"%PDF-"));
    std::fs::create_dir_all(&dir.0).unwrap();
    std::fs::write(dir.0.join("pack.pdf"), &pdf_bytes).unwrap();
    let out = run("pdftotext", &dir.0, &["pack.pdf", "pack.txt"]);
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(dir.0.join("pack.txt")).unwrap();
    assert!(text.contains("Gwenllian Ŵyn"), "{text}");
    assert!(text.contains("information, not legal advice"));
    for property in listed {
        assert!(
            text.contains(property["address_line_1"].as_str().unwrap()),
            "{property}"
        );
        for requirement in property["requirements"].as_array().unwrap() {
            for key in ["name", "status", "legal_source"] {
                let value = requirement[key].as_str().unwrap();
                let first_words: String = value.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
                assert!(text.contains(&first_words), "{key} {value:?} in the PDF");
            }
            if let Some(due) = requirement["due_date"].as_str() {
                assert!(text.contains(due), "due {due}");
            }
        }
    }
    for evidence in &cited {
        assert!(text.contains(evidence["sha256"].as_str().unwrap()), "{evidence}");
    }
    assert!(text.contains("Page 1 of "));

    // ZIP: sha256sum -c inside the bundle, pack verify with and without the key.
    let (status, zip) = get(&app, &token, "/api/client/compliance-pack?format=zip").await;
    assert_eq!(status, 200);
    unzip(&zip, &dir.0);
    let files = dir.0.join("files");
    let check = run("sha256sum", &files, &["-c", "--strict", "manifest.sha256"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let manifest = std::fs::read_to_string(files.join("manifest.sha256")).unwrap();
    assert_eq!(manifest.lines().count(), 2 + 18);
    let json_in_zip = std::fs::read(files.join("compliance-pack.json")).unwrap();
    let pdf_in_zip = dir.0.join("zipped.pdf");
    std::fs::copy(files.join("compliance-pack.pdf"), &pdf_in_zip).unwrap();
    run("pdftotext", &dir.0, &["zipped.pdf", "zipped.txt"]);
    let zipped_text = std::fs::read_to_string(dir.0.join("zipped.txt")).unwrap();
    let json_hash = hex::encode(Sha256::digest(&json_in_zip));
    assert!(
        zipped_text.contains(&json_hash),
        "the PDF's footer carries the JSON's hash"
    );

    let key_response: Value = app.get("/api/pack-key").await.json().await.unwrap();
    let key = key_response["public_key"].as_str().unwrap().to_owned();
    assert_eq!(key_response["algorithm"], "Ed25519");
    assert_eq!(
        key,
        adapter_pack::Ed25519PackSigner::from_base64(TEST_PACK_KEY)
            .unwrap()
            .public_key()
    );
    let original = dir.0.join("pack.zip");
    let (ok, said) = verify(&original, None);
    assert!(
        ok && said.contains("20 files") && said.contains("NOT checked"),
        "{said}"
    );
    let (ok, said) = verify(&original, Some(&key));
    assert!(ok && said.contains("signature of manifest.sha256 is valid"), "{said}");

    // One byte of one evidence file changed: named.
    let victim = format!("evidence/{}.pdf", documents[3].id);
    let mut bytes = std::fs::read(files.join(&victim)).unwrap();
    bytes[20] ^= 1;
    std::fs::write(files.join(&victim), &bytes).unwrap();
    let changed = rezip(&dir.0, "changed.zip");
    let (ok, said) = verify(&changed, None);
    assert!(!ok, "{said}");
    assert_eq!(
        said.trim(),
        format!("FAILED: {victim}: its SHA-256 does not match the manifest")
    );
    bytes[20] ^= 1;
    std::fs::write(files.join(&victim), &bytes).unwrap();

    // The manifest re-signed with another key: fine without the key, refused with it.
    let forged = adapter_pack::Ed25519PackSigner::from_seed([9; 32]).sign(manifest.as_bytes());
    std::fs::write(files.join("manifest.sig"), format!("{forged}\n")).unwrap();
    let resigned = rezip(&dir.0, "resigned.zip");
    let (ok, said) = verify(&resigned, None);
    assert!(ok, "{said}");
    let (ok, said) = verify(&resigned, Some(&key));
    assert!(!ok);
    assert_eq!(
        said.trim(),
        "FAILED: manifest.sig: the signature does not match the manifest under this key"
    );

    // Each generation audited, the ZIP's with the manifest's hash.
    let entries = audited(&app, domain::AuditAction::CompliancePackGenerated).await;
    let formats: Vec<&str> = entries
        .iter()
        .map(|e| e.entry.metadata.as_ref().unwrap()["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["json", "pdf", "zip"]);
    let zipped = entries[2].entry.metadata.as_ref().unwrap();
    assert_eq!(
        zipped["manifest_sha256"],
        hex::encode(Sha256::digest(manifest.as_bytes())).as_str()
    );
    assert_eq!(
        zipped["as_of"],
        domain::uk_date(chrono::Utc::now()).to_string().as_str()
    );
    assert_eq!(entries[2].entry.client_id, Some(client_id));

    // An operator gets the same pack; a day before the evidence was uploaded holds none of it.
    let yesterday = domain::uk_date(chrono::Utc::now()).pred_opt().unwrap();
    let path = format!("/api/admin/clients/{client_id}/compliance-pack?format=json&as_of={yesterday}");
    let (status, body) = get(&app, &admin, &path).await;
    assert_eq!(status, 200);
    let earlier: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(earlier["as_of"], yesterday.to_string().as_str());
    assert_eq!(earlier["summary"]["evidence"], 0);

    // Bad parameters, named together; a day after today refused.
    let (status, body) = get(&app, &token, "/api/client/compliance-pack?format=docx&as_of=someday").await;
    assert_eq!(status, 422);
    let problem: Value = serde_json::from_slice(&body).unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["format", "as_of"]);
    let tomorrow = domain::uk_date(chrono::Utc::now()).succ_opt().unwrap();
    let (status, _) = get(&app, &token, &format!("/api/client/compliance-pack?as_of={tomorrow}")).await;
    assert_eq!(status, 422);

    // Plans without the pack, and a client on the operators' route.
    let (small, small_id) = signed_in_client(&app, "one@example.com").await;
    for (who, path) in [
        (&small, "/api/client/compliance-pack".to_owned()),
        (&admin, format!("/api/admin/clients/{small_id}/compliance-pack")),
    ] {
        let (status, body) = get(&app, who, &path).await;
        assert_eq!(status, 403, "{path}");
        let problem: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["code"], "plan_upgrade_required");
    }
    let (status, _) = get(&app, &token, &format!("/api/admin/clients/{client_id}/compliance-pack")).await;
    assert_eq!(status, 403);
    let (status, _) = get(
        &app,
        &admin,
        &format!("/api/admin/clients/{}/compliance-pack", uuid::Uuid::now_v7()),
    )
    .await;
    assert_eq!(status, 404);
}

/// Without `PACK_SIGNING_KEY` in development, a key is generated into the data directory once,
/// readable by its owner only, and kept across restarts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_development_pack_key_is_generated_once_into_the_data_directory() {
    let app = spawn_app(crate::helpers::Backend::Sqlite, &[("PACK_SIGNING_KEY", "")])
        .await
        .unwrap();
    let served: Value = app.get("/api/pack-key").await.json().await.unwrap();
    let file = app.settings.data_dir.join("pack-signing.key");
    let seed = std::fs::read_to_string(&file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let signer = adapter_pack::Ed25519PackSigner::from_base64(&seed).unwrap();
    assert_eq!(served["public_key"], signer.public_key().as_str());
    let again = crate::helpers::start(&app.settings).await;
    let served_again: Value = reqwest::get(format!("{again}/api/pack-key"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(served_again, served);
}
