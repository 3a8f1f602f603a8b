#!/usr/bin/env bash
# The compliance pack for 15 properties with five years of evidence (150 documents of 200 KB):
# milliseconds per PDF, JSON and ZIP through the running server and its memory, beside `zip` of
# the same files and sha256sum of them (the disk and hash limit).
# Usage: scripts/bench-pack.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
secret=whsec_bench
admin=bench-ops@example.com
password="bench operators verify the evidence"
cargo build --release --locked -p compliance-vault --bin compliance-vault --example bench_pack
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary="$target_dir/release/compliance-vault"
bench="$target_dir/release/examples/bench_pack"
port=18184
data_dir=$(mktemp -d)
trap 'rm -rf "$data_dir"' EXIT
export DATA_DIR=$data_dir
echo "$password" | "$binary" admin create --email "$admin" >/dev/null

BIND_ADDR=127.0.0.1:$port LOG_FORMAT=json RUST_LOG=warn STRIPE_WEBHOOK_SECRET=$secret MAIL_POLL_INTERVAL_MS=50 \
  UPLOADS_PER_USER_PER_HOUR=1000 "$binary" serve &
server=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
"$bench" "http://127.0.0.1:$port" "$secret" "$data_dir" "$server" "$admin" "$password" "$runs"
kill -TERM "$server"; wait "$server" || true

echo "== the same files by zip and sha256sum ($runs runs each; median)"
files="$data_dir/unpacked"
mkdir -p "$files" && (cd "$files" && unzip -q ../bench-pack.zip)
echo "files: $(find "$files" -type f | wc -l), $(du -sb "$files" | cut -f1) bytes"
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
measure() {
  for _ in $(seq 1 "$runs"); do
    rm -f "$data_dir/out.zip"
    start=$(date +%s%N); (cd "$files" && "$@") >/dev/null; end=$(date +%s%N)
    echo $(( (end - start) / 1000 ))
  done | median | awk '{ printf "%.1f ms\n", $1 / 1000 }'
}
echo "zip -r (deflate, as zip does by default): $(measure zip -q -r -X "$data_dir/out.zip" .)"
echo "zip -r -0 (stored):                       $(measure zip -q -r -X -0 "$data_dir/out.zip" .)"
echo "sha256sum of every file:                  $(measure sh -c 'find . -type f -exec sha256sum {} +')"
