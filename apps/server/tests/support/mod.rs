//! Running the real binary, as a user or an operator would, for the tests that need a whole
//! process: its JSON log is where they read what happened.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary, with no database URL of the environment's and a test signing secret.
pub fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_compliance-vault"));
    command
        .env_remove("DATABASE_URL")
        .env("JWT_SECRET", "test-only-jwt-secret-of-at-least-32-bytes");
    command
}

/// Every JSON line of a log file.
pub fn log_lines(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect()
}

/// Starts `serve` with `env`; returns the process and its base address, read from its JSON log.
/// The caller kills and waits for the process.
#[allow(clippy::zombie_processes)]
pub fn serve(dir: &Path, log: &Path, env: &[(&str, &str)]) -> (Child, String) {
    let child = binary()
        .arg("serve")
        .env("DATA_DIR", dir)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .env("PUBLIC_BASE_URL", "https://vault.example")
        .env("MAIL_POLL_INTERVAL_MS", "100")
        .env("MAIL_LEASE_SECONDS", "2")
        .envs(env.iter().copied())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let listening = text
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find(|event| event["message"] == "listening");
        if let Some(event) = listening {
            return (child, format!("http://127.0.0.1:{}", event["port"]));
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not start: {text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
