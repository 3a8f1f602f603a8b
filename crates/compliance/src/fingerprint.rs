//! A name for the engine as built: what an evaluation stored earlier must have been made by to
//! be used again.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use crate::EngineConfig;
use crate::rules::{RULES, Rule};

static FINGERPRINT: LazyLock<String> = LazyLock::new(|| fingerprint_of(&RULES, &EngineConfig::default()));

/// The engine's version and a hash of its rules table and default configuration: a changed rule
/// or amber window gives another fingerprint, and so does another release. (The hash is
/// std's, so another toolchain may give another fingerprint too; that only evaluates again.)
pub fn engine_fingerprint() -> &'static str {
    &FINGERPRINT
}

fn fingerprint_of(rules: &[Rule], config: &EngineConfig) -> String {
    let mut hasher = DefaultHasher::new();
    rules.hash(&mut hasher);
    config.hash(&mut hasher);
    format!("{}+{:016x}", env!("CARGO_PKG_VERSION"), hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_rule_or_window_is_another_fingerprint() {
        let config = EngineConfig::default();
        assert_eq!(engine_fingerprint(), fingerprint_of(&RULES, &config));
        assert!(engine_fingerprint().starts_with(concat!(env!("CARGO_PKG_VERSION"), "+")));
        let mut changed = RULES;
        changed[0].duty = "another duty";
        assert_ne!(fingerprint_of(&changed, &config), engine_fingerprint());
        let mut wider = config;
        wider.amber_windows.gas_safety += 1;
        assert_ne!(fingerprint_of(&RULES, &wider), engine_fingerprint());
    }
}
