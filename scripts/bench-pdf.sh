#!/usr/bin/env bash
# Hostile PDFs read the way the verifying admin's suggestions read them: the release build of
# `adapter-pdf`'s `read` example on each file of scripts/hostile-pdfs.py, with its wall time and
# peak memory from /usr/bin/time. A legitimate certificate reads in a few milliseconds.
# Usage: scripts/bench-pdf.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing: apt-get install time" >&2; exit 1; }
cargo build --release --locked -p adapter-pdf --example read
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
files=$(mktemp -d)
trap 'rm -rf "$files"' EXIT
scripts/hostile-pdfs.py "$files"
for file in "$files"/*.pdf; do
  /usr/bin/time -f "   $(basename "$file"): %e s, %M KB peak resident" "$target_dir/release/examples/read" "$file"
done
