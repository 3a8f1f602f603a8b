#!/usr/bin/env bash
# The daily job over a generated portfolio on PostgreSQL: CLIENTS clients, two properties each,
# five requirements a property (so 10 x CLIENTS requirements), about one in ten on a reminder
# day. Runs the job for the day before (the first run, which writes every snapshot) and for the
# day (a steady day), each timed with its peak RSS, beside a bare scan of the same rows.
# Usage: scripts/bench-jobs.sh [CLIENTS] [PG_URL]
set -euo pipefail

clients="${1:-100000}"
pg_url="${2:-postgres://postgres@127.0.0.1:5432/postgres}"
day="2027-01-04"
before="2027-01-03"
db="cv_bench_jobs"
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

cargo build --release -p compliance-vault --manifest-path "$root/Cargo.toml" >/dev/null
bin="$target/release/compliance-vault"
base="${pg_url%/*}"
url="$base/$db"
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT

psql "$pg_url" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
DATABASE_URL="$url" DATA_DIR="$data" "$bin" migrate >/dev/null
echo "generating $clients clients ($((clients * 10)) requirements)..."
gen_start=$(date +%s.%N)
psql "$url" -q -v clients="$clients" -v day="$day" -f "$root/scripts/bench-jobs.sql"
echo "generated in $(echo "$(date +%s.%N) - $gen_start" | bc | xargs printf '%.1f') s"

# The physical limit: reading the same rows once, as the job reads them, with nothing computed.
scan_sql="COPY (SELECT c.*, p.*, d.* FROM clients c JOIN properties p ON p.client_id = c.id
                JOIN documents d ON d.property_id = p.id WHERE c.subscription_status = 'ACTIVE') TO STDOUT"
scan_start=$(date +%s.%N)
psql "$url" -qc "$scan_sql" > /dev/null
scan=$(echo "$(date +%s.%N) - $scan_start" | bc)

run() {
    local as_of="$1" out
    out="$(mktemp)"
    /usr/bin/time -f "%e %M" -o "$out.time" env DATABASE_URL="$url" DATA_DIR="$data" LOG_FORMAT=json \
        "$bin" jobs daily --as-of "$as_of" > "$out" 2>/dev/null
    read -r wall rss_kb < "$out.time"
    printf '| %s | %s s | %s MB | %s |\n' "$as_of" "$wall" "$((rss_kb / 1024))" "$(cat "$out")"
    rm -f "$out" "$out.time"
}

echo
echo "| run | wall | peak RSS | summary |"
echo "|---|---|---|---|"
run "$before"
run "$day"
printf '| bare scan of the same rows (psql COPY to /dev/null) | %.2f s | | |\n' "$scan"
psql "$url" -Atc "SELECT 'reminder emails queued: ' || count(*) FROM message_logs WHERE template = 'compliance-reminder'"
psql "$pg_url" -qc "DROP DATABASE $db"
