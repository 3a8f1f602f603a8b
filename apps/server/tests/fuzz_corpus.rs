//! The fuzz targets' checked-in corpus and every crash they found, replayed as ordinary tests:
//! no instrumented build, so CI runs them on every change. `just fuzz` grows the corpus.

#[path = "../../../fuzz/src/lib.rs"]
mod fuzz_targets;

use std::path::Path;

#[test]
fn every_corpus_entry_and_every_crash_found_replays_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    for (target, run) in fuzz_targets::TARGETS {
        let mut replayed = 0;
        for place in ["corpus", "artifacts"] {
            let Ok(entries) = std::fs::read_dir(root.join(place).join(target)) else {
                continue;
            };
            for entry in entries {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| run(&bytes));
                assert!(outcome.is_ok(), "{target}: {} panics", path.display());
                replayed += 1;
            }
        }
        assert!(replayed > 0, "{target} has no corpus to replay");
    }
}
