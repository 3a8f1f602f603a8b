#!/usr/bin/env bash
# Email queue and delivery: COUNT emails queued (each in its own transaction with its audit entry)
# and drained, on SQLite and then on a fresh PostgreSQL database. Usage: scripts/bench-email.sh COUNT PG_URL
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
pg_url=${2:-postgres://postgres@127.0.0.1:5432/postgres}
cargo build --release --locked -p compliance-vault --example bench_email
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bench="$target_dir/release/examples/bench_email"

echo "== SQLite"
RUST_LOG=warn "$bench" "$count"
db="cv_bench_email_$$"
psql "$pg_url" -qc "CREATE DATABASE $db"
trap 'psql "$pg_url" -qc "DROP DATABASE IF EXISTS $db"' EXIT
echo "== PostgreSQL"
RUST_LOG=warn "$bench" "$count" "${pg_url%/*}/$db"
