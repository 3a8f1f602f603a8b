//! The dependency rule of docs/architecture.md, checked on `cargo metadata`: a forbidden edge
//! between our crates, or an I/O crate in a pure one, fails this test.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// Our crates, and the crates of ours each may depend on (normal and build dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("compliance", &["domain"]),
    ("provisioning", &["domain"]),
    ("identity", &["domain"]),
    ("ports", &["domain"]),
    ("app", &["domain", "compliance", "provisioning", "identity", "ports"]),
    (
        "testkit",
        &["domain", "ports", "compliance", "provisioning", "identity"],
    ),
    ("vault-http", &["domain", "ports", "app"]),
];

/// Crates that do I/O or run an executor: never in the pure crates.
const IO_CRATES: &[&str] = &[
    "tokio",
    "sqlx",
    "actix-web",
    "reqwest",
    "redis",
    "lettre",
    "async-stripe",
    "object_store",
];
const PURE: &[&str] = &["domain", "compliance", "provisioning", "identity"];

fn workspace() -> Packages {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["name"].as_str().unwrap().to_owned(),
                        d["kind"].as_str().map(str::to_owned),
                    )
                })
                .collect();
            (p["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

type Packages = BTreeMap<String, Vec<(String, Option<String>)>>;

#[test]
fn no_crate_depends_on_one_it_may_not() {
    let violations = violations(&workspace());
    assert!(
        violations.is_empty(),
        "forbidden dependencies:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_rule_catches_forbidden_edges() {
    let edge = |dep: &str, kind: Option<&str>| (dep.to_owned(), kind.map(str::to_owned));
    let packages: Packages = BTreeMap::from([
        ("domain".to_owned(), vec![edge("sqlx", None)]),
        ("ports".to_owned(), vec![edge("domain", None)]),
        (
            "app".to_owned(),
            vec![edge("adapter-sql", None), edge("testkit", Some("dev"))],
        ),
        ("adapter-sql".to_owned(), vec![edge("app", None), edge("ports", None)]),
        ("testkit".to_owned(), vec![]),
        ("compliance".to_owned(), vec![edge("testkit", None)]),
    ]);
    let mut found = violations(&packages);
    found.sort();
    assert_eq!(
        found,
        [
            "adapter-sql -> app",
            "app -> adapter-sql",
            "compliance -> testkit",
            "compliance -> testkit (testkit is a dev-dependency only)",
            "domain -> sqlx (a pure crate does no I/O)",
        ]
    );
}

fn violations(packages: &Packages) -> Vec<String> {
    let ours: Vec<&String> = packages.keys().collect();
    let mut violations = Vec::new();
    for (name, deps) in packages {
        let is_adapter = name.starts_with("adapter-");
        let is_app = name == "compliance-vault";
        for (dep, kind) in deps {
            let dev = kind.as_deref() == Some("dev");
            if dep == "testkit" && !dev && name != "testkit" {
                violations.push(format!("{name} -> testkit (testkit is a dev-dependency only)"));
            }
            // Dev-dependencies follow the rule too (a test may add testkit, nothing else).
            if !ours.contains(&dep) || is_app || (dev && dep == "testkit") {
                continue;
            }
            let allowed = if is_adapter {
                ["domain", "ports"].contains(&dep.as_str())
            } else {
                ALLOWED
                    .iter()
                    .find(|(crate_name, _)| crate_name == name)
                    .is_some_and(|(_, ok)| ok.contains(&dep.as_str()))
            };
            if !allowed {
                violations.push(format!("{name} -> {dep}"));
            }
        }
        if PURE.contains(&name.as_str()) {
            for (dep, kind) in deps {
                if kind.as_deref() != Some("dev") && IO_CRATES.contains(&dep.as_str()) {
                    violations.push(format!("{name} -> {dep} (a pure crate does no I/O)"));
                }
            }
        }
    }
    violations
}

#[test]
fn every_crate_of_ours_is_known_to_the_rule() {
    for name in workspace().keys() {
        let known =
            name == "compliance-vault" || name.starts_with("adapter-") || ALLOWED.iter().any(|(n, _)| n == name);
        assert!(known, "{name} is not covered by the dependency rule; add it to ALLOWED");
    }
}

/// The driving side parses, calls a use case and renders: it never builds an audit entry or calls
/// a store port itself (ARCHITECTURE.md). A line of `crates/http/src` (tests aside) that names
/// `NewAuditEntry` or calls a method on a `store` fails this test.
#[test]
fn the_http_crate_builds_no_audit_entry_and_calls_no_store_port() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../crates/http/src");
    let mut offences = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (number, line) in code.lines().enumerate() {
                let line = line.split("//").next().unwrap_or_default();
                if line.contains("NewAuditEntry") || calls_a_store_method(line) {
                    offences.push(format!("{}:{}: {}", path.display(), number + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "handlers must call use cases:\n{}",
        offences.join("\n")
    );
}

/// `store.name(` anywhere in the line (a field `store` passed on, `&*self.store`, is fine).
fn calls_a_store_method(line: &str) -> bool {
    line.match_indices("store.").any(|(at, found)| {
        let rest = &line[at + found.len()..];
        let name_len = rest
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .unwrap_or(rest.len());
        name_len > 0 && rest[name_len..].trim_start().starts_with('(')
    })
}
