//! The portal walked in a real headless Chromium (Debian's, driven by playwright-core from
//! `tests/browser/`), axe-core on every page, and any console error, page error or request to
//! another origin failing the walk. `.ci/run` installs Chromium and the two npm packages; without
//! them the test says so and skips, or fails under `VAULT_REQUIRE_SERVICES=1`.

use std::path::{Path, PathBuf};

use crate::access_helpers::{PASSWORD, create_admin};
use crate::calls::signed_in_client;
use crate::helpers::{Backend, spawn_app};
use crate::pages::{path_of, setup_link};

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
    signed_in_client(&app, "walker@example.com").await;
    let link = setup_link(&app, "invited@example.com").await;
    let shots = std::env::var("SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| app.settings.data_dir.join("screenshots"));
    std::fs::create_dir_all(&shots).unwrap();
    let mut command = std::process::Command::new("node");
    command
        .arg(walk_dir().join("walk.mjs"))
        .current_dir(walk_dir())
        .env("BASE_URL", &app.address)
        .env("CLIENT_EMAIL", "walker@example.com")
        .env("ADMIN_EMAIL", "ops@example.com")
        .env("PASSWORD", PASSWORD)
        .env("SETUP_PATH", path_of(&link))
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
