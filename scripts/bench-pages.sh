#!/usr/bin/env bash
# The dashboard page beside the JSON dashboard for the same 15-property client on SQLite, in the
# same run: wrk at CONNECTIONS connections for SECONDS each, requests per second and p99, and the
# page's size. Usage: scripts/bench-pages.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-32}
secret=whsec_bench
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked -p compliance-vault --bin compliance-vault --example bench_pages
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary="$target_dir/release/compliance-vault"
port=18185
data_dir=$(mktemp -d)
trap 'rm -rf "$data_dir"' EXIT
DATA_DIR=$data_dir BIND_ADDR=127.0.0.1:$port LOG_FORMAT=json RUST_LOG=warn STRIPE_WEBHOOK_SECRET=$secret \
  MAIL_POLL_INTERVAL_MS=50 "$binary" serve &
server=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
token=$("$target_dir/release/examples/bench_pages" "http://127.0.0.1:$port" "$secret" "$data_dir")
base="http://127.0.0.1:$port"
echo "page size: $(curl -s -H "Cookie: cv_session=$token" "$base/dashboard" | wc -c) bytes; JSON size: $(curl -s -H "Authorization: Bearer $token" "$base/api/client/dashboard" | wc -c) bytes"
for round in 1 2; do
  echo "== round $round: JSON dashboard, ${seconds}s, $connections connections"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$base/api/client/dashboard"
  echo "== round $round: dashboard page, ${seconds}s, $connections connections"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Cookie: cv_session=$token" "$base/dashboard"
done
kill -TERM "$server"; wait "$server" || true
