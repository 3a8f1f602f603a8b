#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60) on the stable toolchain (RUSTC_BOOTSTRAP=1),
# growing fuzz/corpus/<target>/ and leaving any crash in fuzz/artifacts/<target>/. Both are
# replayed by `cargo test -p compliance-vault --test fuzz_corpus`, so CI needs no instrumented
# build. Needs cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/compliance-vault/fuzz-target}"
status=0
for target in $(cargo fuzz list); do
  echo "== $target for ${seconds}s"
  cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=65536 \
    -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 || status=1
done
# Keep the corpus small enough to check in: merge each into its minimal covering set.
for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target.min"
  cargo fuzz run -O "$target" "corpus/$target.min" "corpus/$target" -- -merge=1 >/dev/null 2>&1
  rm -rf "corpus/$target" && mv "corpus/$target.min" "corpus/$target"
done
exit $status
