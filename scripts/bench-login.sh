#!/usr/bin/env bash
# Sign-in throughput and latency: the release server on SQLite, an admin created by the CLI, and
# wrk signing in with the right password from a second process. Argon2id (19 MiB, t=2) is meant to
# be the bound; compare with `cargo bench -p identity --bench hash`, one hash alone.
# Usage: scripts/bench-login.sh SECONDS CONNECTIONS
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-8}
port=18182
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked -p compliance-vault
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary="$target_dir/release/compliance-vault"
data_dir=$(mktemp -d)
export DATA_DIR=$data_dir JWT_SECRET=benchmark-secret-of-at-least-32-bytes-long
echo "benchmark admin passphrase 2026" | "$binary" admin create --email bench-admin@example.com 2>/dev/null
BIND_ADDR=127.0.0.1:$port RUST_LOG=warn LOGIN_ATTEMPTS_PER_ACCOUNT=100000000 LOGIN_ATTEMPTS_PER_ADDRESS=100000000 \
  "$binary" serve &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
echo "== login: ${seconds}s, $connections connections, 2 wrk threads, $(nproc) cores"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s scripts/bench-login.lua "http://127.0.0.1:$port/api/auth/login"
