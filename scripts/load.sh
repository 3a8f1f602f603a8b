#!/usr/bin/env bash
# `just load`: the release server under wrk (a second process on the same cores), on SQLite and
# then PostgreSQL. CLIENTS clients of 15 properties are signed up as real ones would be, each
# with two uploaded documents; then each route is loaded for SECONDS at CONNECTIONS connections,
# every request as the next of the clients: the JSON dashboard, the dashboard page, a property's
# page, uploads, intake and sign-in. Any error or non-2xx answer fails the run. Last, the cost of
# a /metrics scrape on the loaded database beside a bare SELECT.
# Usage: scripts/load.sh [SECONDS] [CONNECTIONS] [CLIENTS] [PG_URL] [BACKENDS] [ROUTES]
# ROUTES: some of "dashboard page property upload intake sign-in" (all by default).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
connections=${2:-64}
clients=${3:-1000}
pg_url=${4:-postgres://postgres@127.0.0.1:5432/postgres}
backends=${5:-sqlite postgres}
routes=${6:-dashboard page property upload intake sign-in}
secret=whsec_load
port=18190
base="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --locked -p compliance-vault --bin compliance-vault --example load_seed
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary="$target_dir/release/compliance-vault"
work=$(mktemp -d)
db="cv_load_$$"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  psql "$pg_url" -qc "DROP DATABASE IF EXISTS $db" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
failed=0

# Runs wrk at C connections on ROUTE with MODE (see scripts/load.lua) or the intake script;
# prints one table row.
phase() {
  local backend=$1 key=$2 name=$3 c=$4 route=$5 script=$6; shift 6
  case " $routes " in *" $key "*) ;; *) return 0 ;; esac
  local out="$work/wrk-$backend-$key.txt"
  wrk -t2 -c"$c" -d"${seconds}s" --latency -s "$script" "$base$route" -- "$@" >"$out"
  local rps p50 p99 bad errors
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1 == "50%" {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  bad=$(awk '/Non-2xx or 3xx/ {print $NF}' "$out"); bad=${bad:-0}
  errors=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out"); errors=${errors:-0}
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$backend" "$name" "$c" "$rps" "$p50" "$p99" "$((bad + errors))"
  if [ "$bad" != 0 ] || [ "$errors" != 0 ]; then failed=1; cat "$out" >&2; fi
}

run_backend() {
  local backend=$1 database_url=""
  local data_dir="$work/data-$backend"
  mkdir -p "$data_dir"
  if [ "$backend" = postgres ]; then
    psql "$pg_url" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    database_url="${pg_url%/*}/$db"
  fi
  DATA_DIR=$data_dir DATABASE_URL=$database_url BIND_ADDR=127.0.0.1:$port LOG_FORMAT=json RUST_LOG=warn \
    JWT_SECRET=load-test-secret-of-at-least-32-bytes STRIPE_WEBHOOK_SECRET=$secret MAIL_POLL_INTERVAL_MS=50 \
    INTAKE_RATE_LIMIT_PER_MINUTE=100000000 LOGIN_ATTEMPTS_PER_ACCOUNT=100000000 \
    LOGIN_ATTEMPTS_PER_ADDRESS=100000000 LOGIN_ATTEMPTS_PER_ACCOUNT_ALL_ADDRESSES=100000000 \
    UPLOADS_PER_USER_PER_HOUR=100000 "$binary" serve 2>"$work/server-$backend.log" &
  server=$!
  for _ in $(seq 1 50); do curl -sf "$base/api/health" >/dev/null && break; sleep 0.2; done
  "$target_dir/release/examples/load_seed" "$base" "$secret" "$data_dir" "$clients" "$work/clients-$backend.txt" >&2
  local clients_file="$work/clients-$backend.txt" c=$connections
  echo "| backend | route | connections | requests/s | p50 | p99 | errors |"
  echo "|---|---|---|---|---|---|---|"
  phase "$backend" dashboard "dashboard JSON" "$c" /api/client/dashboard scripts/load.lua dashboard "$clients_file"
  phase "$backend" page "dashboard page" "$c" /dashboard scripts/load.lua page "$clients_file"
  phase "$backend" property "property page" "$c" /properties scripts/load.lua property "$clients_file"
  phase "$backend" upload "upload" "$c" /api/client/documents scripts/load.lua upload "$clients_file"
  phase "$backend" intake "intake" 32 /api/intake/submit scripts/bench-intake.lua "load-$backend-$$"
  # Sign-in is bound by Argon2id (about 100 a second here); more connections than the hash
  # queue holds are answered 503 by design, so this phase stays within it.
  phase "$backend" sign-in "sign-in" 8 /api/auth/login scripts/load.lua login "$clients_file"
  metrics_cost "$backend" "$database_url" "$data_dir"
  [ "$backend" = postgres ] && sql_limit "$database_url"
  kill -TERM "$server"; wait "$server" || true; server=""
  if grep -q '"level":"ERROR"' "$work/server-$backend.log"; then
    failed=1; echo "the server logged errors:" >&2; grep '"level":"ERROR"' "$work/server-$backend.log" | head >&2
  fi
  DATA_DIR=$data_dir DATABASE_URL=$database_url "$binary" audit verify >&2
}

# Median of 20 scrapes of /metrics on the loaded database, beside 20 of /api/health (a few
# light reads) through the same client.
metrics_cost() {
  local backend=$1 database_url=$2 data_dir=$3 rows
  if [ "$backend" = postgres ]; then
    rows=$(psql "$database_url" -Atc "SELECT (SELECT count(*) FROM properties) || ' properties, ' || (SELECT count(*) FROM audit_log) || ' audit entries'")
  else
    rows="$(find "$data_dir" -maxdepth 1 -name '*.db' -exec du -h {} + | awk '{print $1}') of SQLite"
  fi
  local scrape
  scrape=$(for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{time_total}\n' "$base/metrics"; done | sort -n | sed -n 10p)
  local health
  health=$(for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{time_total}\n' "$base/api/health"; done | sort -n | sed -n 10p)
  echo "$backend: /metrics scrape median ${scrape}s over $rows; /api/health median ${health}s"
}

# The physical limit beside the server, same machine, same connections: pgbench running the
# dashboard's own statements for random seeded clients, and pgbench's bare SELECT (-S).
sql_limit() {
  local url=$1
  command -v pgbench >/dev/null || { echo "pgbench is missing (apt-get install postgresql-contrib)" >&2; return; }
  psql "$url" -qc "CREATE TABLE load_clients AS SELECT row_number() OVER (ORDER BY id) AS n, id AS user_id, client_id FROM portal_users WHERE client_id IS NOT NULL"
  local tps
  tps=$(pgbench -n -f scripts/load-dashboard.sql -D clients="$clients" -M prepared -c 16 -j 2 -T "$seconds" "$url" 2>/dev/null | awk '/^tps/ {print $3}')
  echo "postgres: pgbench, the dashboard's statements alone (16 connections): $tps transactions/s"
  pgbench -i -s 10 -q "$url" >/dev/null 2>&1
  tps=$(pgbench -n -S -M prepared -c 16 -j 2 -T "$seconds" "$url" 2>/dev/null | awk '/^tps/ {print $3}')
  echo "postgres: pgbench -S, one bare SELECT by key (16 connections): $tps/s"
}

echo "load: $clients clients x 15 properties, wrk -t2 -c$connections -d${seconds}s, $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
for backend in $backends; do run_backend "$backend"; done
exit $failed
