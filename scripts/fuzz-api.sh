#!/usr/bin/env bash
# Negative and conformance testing of the running API against its own OpenAPI document with
# schemathesis (pip install schemathesis). Starts the server on a throw-away SQLite database.
# `positive_data_acceptance` is left out: the intake's rules across fields (a company name for
# companies and agents, the property count each plan covers) cannot be said in the schema, so
# schema-valid bodies can rightly be refused with 422. Every other check runs, 500s included.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-300}
port=18190
command -v st >/dev/null || { echo "schemathesis is missing: pip install schemathesis" >&2; exit 1; }
cargo build --locked -p compliance-vault
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
data_dir=$(mktemp -d)
DATA_DIR=$data_dir BIND_ADDR=127.0.0.1:$port INTAKE_RATE_LIMIT_PER_MINUTE=1000000 RUST_LOG=warn \
  "$target_dir/debug/compliance-vault" serve &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
st run "http://127.0.0.1:$port/api/openapi.json" --checks all --exclude-checks positive_data_acceptance \
  --max-examples "$examples"
