#!/usr/bin/env bash
# Provisioning throughput: the release server on SQLite, then on PostgreSQL; COUNT intakes of 15
# properties, then each client's signed checkout.session.completed through the webhook.
# Usage: scripts/bench-provision.sh COUNT CONCURRENCY PG_URL
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
concurrency=${2:-16}
pg_url=${3:-postgres://postgres@127.0.0.1:5432/postgres}
secret=whsec_bench
cargo build --release --locked -p compliance-vault --bin compliance-vault --example bench_provision
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary="$target_dir/release/compliance-vault"
bench="$target_dir/release/examples/bench_provision"
port=18182

run_one() {
  local name=$1 database_url=$2
  local data_dir; data_dir=$(mktemp -d)
  DATA_DIR=$data_dir DATABASE_URL=$database_url BIND_ADDR=127.0.0.1:$port LOG_FORMAT=json RUST_LOG=warn \
    INTAKE_RATE_LIMIT_PER_MINUTE=100000000 DATABASE_MAX_CONNECTIONS=$concurrency STRIPE_WEBHOOK_SECRET=$secret \
    PUBLIC_BASE_URL=https://vault.example "$binary" serve &
  local server=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
  echo "== $name: $count clients, concurrency $concurrency"
  "$bench" "http://127.0.0.1:$port" "$secret" "$count" "$concurrency"
  # Let the delivery worker write the setup emails and receipts, then report the queue.
  sleep 5; curl -s "http://127.0.0.1:$port/api/health"; echo
  kill -TERM "$server"; wait "$server" || true
  DATA_DIR=$data_dir DATABASE_URL=$database_url "$binary" audit verify
  echo "outbox files: $(find "$data_dir/outbox" -name '*.json' | wc -l)"
  rm -rf "$data_dir"
}

run_one sqlite ""
db="cv_bench_provision_$$"
psql "$pg_url" -qc "CREATE DATABASE $db"
trap 'psql "$pg_url" -qc "DROP DATABASE IF EXISTS $db"' EXIT
run_one postgres "${pg_url%/*}/$db"
