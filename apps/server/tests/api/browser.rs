//! The portal walked in a real headless Chromium as the story goes: sign-up with two
//! properties, the test checkout, the setup link from the outbox, the dashboard RED, a gas record
//! uploaded, an operator verifying it with the file's suggestions shown, the requirement GREEN.
//! Debian's Chromium, driven by playwright-core from `tests/browser/`; axe-core on every page;
//! any console error, failed sub-resource or request to another origin fails the walk.
//! `.ci/run` installs Chromium and the two npm packages; without them the test says so and
//! skips, or fails under `VAULT_REQUIRE_SERVICES=1`.

use std::path::{Path, PathBuf};

use crate::access_helpers::{PASSWORD, create_admin};
use crate::helpers::{Backend, spawn_app};

fn walk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser")
}

/// Chromium and the npm packages, or why not.
fn ready() -> Result<(), String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Err(format!("no Chromium at {chromium} (apt install chromium)"));
    }
    if !walk_dir().join("node_modules/playwright-core").exists() {
        return Err("no tests/browser/node_modules (npm ci --prefix tests/browser)".into());
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_walked_in_chromium() {
    if let Err(why) = ready() {
        assert!(
            std::env::var_os("VAULT_REQUIRE_SERVICES").is_none(),
            "the browser walk needs {why}"
        );
        eprintln!("skipped: the browser walk needs {why}");
        return;
    }
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    create_admin(&app, "ops@example.com").await;
    let enrolment = crate::access_helpers::with_services(&*app.store, async |s| {
        app::access::enrol_second_factor(s, "ops@example.com", &app::RequestContext::system())
            .await
            .unwrap()
    })
    .await;
    let gas = app.settings.data_dir.join("gas record 2026.pdf");
    std::fs::write(
        &gas,
        testkit::fixtures::text_pdf(&[
            "LANDLORD GAS SAFETY RECORD (CP12)",
            "Engineer: A. Fitter (Gas Safe registration number 612345)",
            "Date of inspection: 01/06/2026",
        ]),
    )
    .unwrap();
    let shots = std::env::var("SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| app.settings.data_dir.join("screenshots"));
    std::fs::create_dir_all(&shots).unwrap();
    let mut command = std::process::Command::new("node");
    command
        .arg(walk_dir().join("walk.mjs"))
        .current_dir(walk_dir())
        .env("BASE_URL", &app.address)
        .env("ADMIN_EMAIL", "ops@example.com")
        .env("ADMIN_TOTP_SECRET", &enrolment.secret_base32)
        .env("NEW_EMAIL", "rhiannon@example.com")
        .env("PASSWORD", PASSWORD)
        .env("OUTBOX", app.settings.data_dir.join("outbox"))
        .env("GAS_PDF", &gas)
        .env("GAS_ISSUED", "2026-06-01")
        .env("SCREENSHOTS", &shots);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}\n{errors}");
    assert!(said.contains("OK: the walk passed"), "{said}");
    assert!(shots.join("dashboard-phone.png").exists());
}
