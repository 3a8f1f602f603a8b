#!/usr/bin/env bash
# `just chaos`: faults under load, on a PostgreSQL cluster and a Redis of the run's own (other
# ports, a temporary directory), so the machine's services are never touched.
#  1. PostgreSQL stopped for GAP seconds while intakes and payments run: requests answer 503
#     (never hang, never 500) and recover by themselves; afterwards every 201 has its client and
#     its audit entry, every paid client exactly one setup email, and `audit verify` passes.
#  2. Redis stopped under load: limits still hold, counted by the instance alone; health says
#     so (`rate_limiter.degraded`), the log says so; back on Redis by itself when it returns.
#  3. Two instances on one PostgreSQL and Redis: a limit counted across both, each job period
#     run by one of them only, one audit chain written by both.
# Usage: scripts/chaos.sh [SECONDS] [GAP]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
gap=${2:-5}
secret=whsec_chaos
pg_port=55432
redis_port=56379
ports=(18201 18202)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL's server binaries are missing (apt-get install postgresql)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is missing (apt-get install redis-server)" >&2; exit 1; }
cargo build --release --locked -p compliance-vault --bin compliance-vault --example chaos_load
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary="$target_dir/release/compliance-vault"
load="$target_dir/release/examples/chaos_load"

work=$(mktemp -d)
chmod 755 "$work"
pgdata="$work/pg"
mkdir -p "$pgdata" "$work/data"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pgdata"
pg_ctl() { as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" "$@" >/dev/null; }
declare -A servers=()
failures=0
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_ctl -m immediate stop 2>/dev/null || true
  redis-cli -p "$redis_port" shutdown nosave 2>/dev/null || true
  if [ "$failures" = 0 ]; then rm -rf "$work"; else echo "logs kept in $work" >&2; fi
}
trap cleanup EXIT

as_postgres "$pg_bin/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
pg_ctl -o "-p $pg_port -k $pgdata -c listen_addresses=127.0.0.1" -w start
redis_up() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --logfile "$work/redis.log" --pidfile "$work/redis.pid"
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return; sleep 0.1; done
}
redis_up
db_url="postgres://postgres@127.0.0.1:$pg_port/postgres"
psql_() { psql "$db_url" -Atq "$@"; }

check() { # check WHAT EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "  ok: $1 ($3)"; else echo "  FAILED: $1: expected $2, found $3"; failures=$((failures + 1)); fi
}

launch() { # launch NAME PORT [ENV...]: one instance on the shared database, Redis and data directory
  local name=$1 port=$2; shift 2
  env DATABASE_URL="$db_url" REDIS_URL="redis://127.0.0.1:$redis_port" DATA_DIR="$work/data" \
    BIND_ADDR="127.0.0.1:$port" LOG_FORMAT=json RUST_LOG=info JWT_SECRET=chaos-secret-of-at-least-32-bytes-long \
    STRIPE_WEBHOOK_SECRET=$secret MAIL_POLL_INTERVAL_MS=100 MAIL_LEASE_SECONDS=10 SCHEDULER=on DAILY_AT=00:00 MONTHLY_AT=00:00 \
    INTAKE_RATE_LIMIT_PER_MINUTE=100000000 "$@" "$binary" serve >>"$work/$name.log" 2>&1 &
  servers[$name]=$!
}
ready() { # ready NAME PORT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$2/api/health" >/dev/null && return; sleep 0.1; done
  echo "instance $1 did not start" >&2; cat "$work/$1.log" >&2; exit 1
}
start() { launch "$@"; ready "$1" "$2"; }
# How many runs of JOB each log shows completed.
completed_runs() {
  cat "$@" | jq -Rr --arg job "$job" 'fromjson? | select(.message == "scheduled job run") | .summary | fromjson
    | select(.job == $job and .outcome == "completed") | .period' | wc -l | tr -d ' '
}
stop() { kill -TERM "${servers[$1]}"; wait "${servers[$1]}" || true; unset "servers[$1]"; }
health() { curl -s "http://127.0.0.1:$1/api/health"; }
a="http://127.0.0.1:${ports[0]}"
b="http://127.0.0.1:${ports[1]}"

# Waits for the email queue to drain, then checks what the clients in FILE left behind.
verify_clients() {
  local file=$1
  for _ in $(seq 1 300); do
    [ "$(psql_ -c "SELECT count(*) FROM message_logs WHERE status = 'QUEUED'")" = 0 ] && break; sleep 0.2
  done
  psql_ -c "SET client_min_messages = warning" -c "CREATE TABLE IF NOT EXISTS chaos_clients (id UUID PRIMARY KEY, email TEXT)" -c "TRUNCATE chaos_clients"
  awk '{print $1 "," $2}' "$file" | psql_ -c "\\copy chaos_clients FROM STDIN WITH (FORMAT csv)"
  local n; n=$(psql_ -c "SELECT count(*) FROM chaos_clients")
  check "every 201 has its client" "$n" "$(psql_ -c "SELECT count(*) FROM chaos_clients c JOIN clients USING (id)")"
  check "every 201 has its INTAKE_SUBMITTED audit entry" "$n" \
    "$(psql_ -c "SELECT count(DISTINCT client_id) FROM audit_log WHERE action = 'INTAKE_SUBMITTED' AND client_id IN (SELECT id FROM chaos_clients)")"
  check "every paid client provisioned" "$n" \
    "$(psql_ -c "SELECT count(*) FROM clients WHERE id IN (SELECT id FROM chaos_clients) AND onboarding_status = 'PROVISIONED'")"
  check "every paid client exactly one setup email" "$n" \
    "$(psql_ -c "SELECT count(*) FROM (SELECT client_id FROM message_logs WHERE template = 'password-setup' AND client_id IN (SELECT id FROM chaos_clients) GROUP BY client_id HAVING count(*) = 1) one")"
  check "emails not sent" 0 "$(psql_ -c "SELECT count(*) FROM message_logs WHERE status <> 'SENT'")"
  check "emails handed to the mailer more than once" 0 \
    "$(cat "$work"/*.log | jq -Rr 'fromjson? | select(.message == "email sent") | .message_id' | sort | uniq -d | wc -l | tr -d ' ')"
  check "outbox files, one per sent email" "$(psql_ -c "SELECT count(*) FROM message_logs WHERE status = 'SENT'")" \
    "$(find "$work/data/outbox" -name '*.json' | wc -l)"
}

echo "== chaos: $(nproc) cores:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2)"

echo "== 1. PostgreSQL stopped for ${gap}s under ${seconds}s of intakes and payments (16 at a time)"
start a "${ports[0]}"
"$load" intake "$a" "$seconds" 16 "$secret" "$work/clients-1.txt" >"$work/load-1.txt" &
loader=$!
sleep $((seconds / 3))
stopped_at=$(date +%s.%N)
pg_ctl -m fast stop
sleep "$gap"
pg_ctl -o "-p $pg_port -k $pgdata -c listen_addresses=127.0.0.1" -w start
echo "  PostgreSQL away for $(echo "$(date +%s.%N) - $stopped_at" | bc) s"
wait "$loader"
grep -v '^t=' "$work/load-1.txt" | sed 's/^/  /'
awk '/^t=/ && / 503x/' "$work/load-1.txt" | sed 's/^/  during the gap: /'
summary=$(grep '^summary' "$work/load-1.txt")
check "no answer other than 201 and 503" "" "$(echo "$summary" | grep -oE 'statuses [^ ]+' | tr ',' '\n' | grep -vE '^(statuses )?(201|503):' || true)"
check "the gap answered 503s" yes "$(echo "$summary" | grep -qE '503:[1-9]' && echo yes || echo no)"
check "unpaid clients (webhook never answered 200)" 0 "$(echo "$summary" | grep -oE 'unpaid [0-9]+' | awk '{print $2}')"
verify_clients "$work/clients-1.txt"
check "audit verify" 0 "$(DATABASE_URL=$db_url DATA_DIR=$work/data "$binary" audit verify >"$work/verify-1.txt" 2>&1; echo $?)"
grep -c '"level":"ERROR"' "$work/a.log" | sed 's/^/  server ERROR lines (the outage itself): /'

echo "== 2. Redis stopped under load"
check "health before: backend, degraded" "redis false" "$(health "${ports[0]}" | jq -r '.rate_limiter | "\(.backend) \(.degraded)"')"
"$load" intake "$a" 12 8 "$secret" "$work/clients-2.txt" >"$work/load-2.txt" &
loader=$!
sleep 2
redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
sleep 1
check "sign-ins for one address while Redis is away: 10 counted, then refused" \
  "401 401 401 401 401 401 401 401 401 401 429 429" "$("$load" logins "$a" ghost-1@example.com 12)"
check "health while away: backend, degraded" "memory true" "$(health "${ports[0]}" | jq -r '.rate_limiter | "\(.backend) \(.degraded)"')"
check "the log says so" 1 "$(grep -c 'rate limiter is unreachable' "$work/a.log")"
redis_up
sleep 2
"$load" logins "$a" ghost-2@example.com 1 >/dev/null
check "health after: backend, degraded" "redis false" "$(health "${ports[0]}" | jq -r '.rate_limiter | "\(.backend) \(.degraded)"')"
check "the log says it is back" 1 "$(grep -c 'rate limiter answers again' "$work/a.log")"
check "limits counted in Redis again" yes "$(redis-cli -p "$redis_port" --scan --pattern '*ghost-2*' | grep -q . && echo yes || echo no)"
wait "$loader"
grep '^summary' "$work/load-2.txt" | sed 's/^/  /'
check "no 5xx while Redis was away" "" "$(grep -oE 'statuses [^ ]+' "$work/load-2.txt" | tr ',' '\n' | grep -E '(^| )(5[0-9][0-9]|0):' || true)"

echo "== 3. Two instances on one PostgreSQL and Redis"
stop a
psql_ -c "DELETE FROM job_runs"
mv "$work/a.log" "$work/a-before.log"
launch a "${ports[0]}"; launch b "${ports[1]}"
ready a "${ports[0]}"; ready b "${ports[1]}"
check "one limit across both: 10 counted, then refused on either" \
  "401 401 401 401 401 401 401 401 401 401 429 429 429 429" "$("$load" logins "$a,$b" ghost-3@example.com 14)"
"$load" intake "$a,$b" 10 16 "$secret" "$work/clients-3.txt" >"$work/load-3.txt"
grep '^summary' "$work/load-3.txt" | sed 's/^/  /'
# Each instance logs one summary per job once its run (or its finding the run done) ends.
for _ in $(seq 1 240); do
  [ "$(cat "$work/a.log" "$work/b.log" | grep -c 'scheduled job run')" -ge 4 ] && break; sleep 0.5
done
for job in daily monthly; do
  check "the $job period run by one of the two instances" 1 "$(completed_runs "$work/a.log" "$work/b.log")"
done
verify_clients "$work/clients-3.txt"
check "audit verify over both instances' entries" 0 "$(DATABASE_URL=$db_url DATA_DIR=$work/data "$binary" audit verify >"$work/verify-3.txt" 2>&1; echo $?)"
sed 's/^/  /' "$work/verify-3.txt"
echo "== chaos: $failures failed"
exit $((failures > 0))
