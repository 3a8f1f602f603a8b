#!/usr/bin/env bash
# Intake throughput and latency: the release server on SQLite, then on PostgreSQL, each loaded by
# wrk from a second process with unique emails. Usage: scripts/bench-intake.sh SECONDS CONNECTIONS PG_URL
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
connections=${2:-32}
pg_url=${3:-postgres://postgres@127.0.0.1:5432/postgres}
cargo build --release --locked -p compliance-vault
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary="$target_dir/release/compliance-vault"
port=18181
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

run_one() {
  local name=$1 database_url=$2
  local data_dir; data_dir=$(mktemp -d)
  DATA_DIR=$data_dir DATABASE_URL=$database_url BIND_ADDR=127.0.0.1:$port LOG_FORMAT=json RUST_LOG=warn \
    INTAKE_RATE_LIMIT_PER_MINUTE=100000000 DATABASE_MAX_CONNECTIONS=$connections "$binary" serve &
  local server=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
  echo "== $name: ${seconds}s, $connections connections, 2 wrk threads"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s scripts/bench-intake.lua "http://127.0.0.1:$port" -- "$name-$$"
  curl -s "http://127.0.0.1:$port/api/health"; echo
  kill -TERM "$server"; wait "$server" || true
  DATA_DIR=$data_dir DATABASE_URL=$database_url "$binary" audit verify
  rm -rf "$data_dir"
}

run_one sqlite ""
db="cv_bench_$$"
psql "$pg_url" -qc "CREATE DATABASE $db"
run_one postgres "${pg_url%/*}/$db"
psql "$pg_url" -qc "DROP DATABASE $db"
