#!/usr/bin/env bash
# Sign-in memory under load, as an attacker would apply it: the release server on SQLite; a
# burst of BURST sign-ins at once for unknown emails, each from its own address (through a
# trusted proxy header, so no per-address limit applies); its resident memory sampled every
# 100 ms, at its peak and a minute later; then CONNECTIONS steady connections signing in with
# the right password for SECONDS: rate, latency, answers other than 200, peak memory. The bound
# to compare with is one Argon2id: 19 MiB of memory and about 26 ms of one core
# (`cargo bench -p identity --bench hash`).
# Usage: scripts/bench-login-memory.sh [BURST] [SECONDS] [CONNECTIONS]
#        BINARY=path/to/compliance-vault measures another build (with the same steps).
set -euo pipefail
cd "$(dirname "$0")/.."
burst=${1:-500}
seconds=${2:-15}
connections=${3:-8}
port=18183
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
if [ -z "${BINARY:-}" ]; then
  cargo build --release --locked -p compliance-vault
  target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
  BINARY="$target_dir/release/compliance-vault"
fi
data_dir=$(mktemp -d)
samples=$data_dir/rss.txt
export DATA_DIR=$data_dir JWT_SECRET=benchmark-secret-of-at-least-32-bytes-long
echo "benchmark admin passphrase 2026" | "$BINARY" admin create --email bench-admin@example.com 2>/dev/null
BIND_ADDR=127.0.0.1:$port RUST_LOG=warn TRUSTED_PROXIES=127.0.0.1 \
  LOGIN_ATTEMPTS_PER_ACCOUNT=100000000 LOGIN_ATTEMPTS_PER_ADDRESS=100000000 \
  LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_ADDRESSES=100000000 "$BINARY" serve &
server=$!
sampler=
trap 'kill $server $sampler 2>/dev/null; rm -rf "$data_dir"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done

# One line per 100 ms: seconds since the start, resident kilobytes.
started=$(date +%s.%N)
now() { awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN { printf "%.3f", n - s }'; }
( while kill -0 "$server" 2>/dev/null; do
    echo "$(now) $(awk '/^VmRSS/ { print $2 }' "/proc/$server/status" 2>/dev/null || echo 0)"
    sleep 0.1
  done >"$samples" ) &
sampler=$!
peak_mb() { awk -v from="$1" -v to="$2" '$1 >= from && $1 <= to && $2 > max { max = $2 } END { printf "%.0f", max / 1024 }' "$samples"; }
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status"; }

sleep 1
echo "== $(nproc) cores; idle: $(rss_mb) MB resident"
sign_in() {
  curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
    -H "X-Forwarded-For: 10.$(($1 / 250 % 250)).$(($1 % 250)).7" \
    -d "{\"email\":\"nobody$1@example.com\",\"password\":\"not the password at all\"}" \
    "http://127.0.0.1:$port/api/auth/login"
}
export -f sign_in
export port
from=$(now)
seq 1 "$burst" | xargs -P "$burst" -I{} bash -c 'sign_in {}' | sort | uniq -c | sed 's/^/   answers: /'
to=$(now)
sleep 1
echo "== burst of $burst sign-ins: peak $(peak_mb "$from" "$(now)") MB resident; took $(awk -v a="$from" -v b="$to" 'BEGIN { printf "%.1f", b - a }') s"
sleep 59
echo "== a minute later: $(rss_mb) MB resident"

from=$(now)
echo "== steady: ${seconds}s, $connections connections, 2 wrk threads"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s scripts/bench-login.lua \
  "http://127.0.0.1:$port/api/auth/login" | grep -E 'Requests/sec|requests=|p[0-9]+=|Socket errors'
echo "== steady: peak $(peak_mb "$from" "$(now)") MB resident"
