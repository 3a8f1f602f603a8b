# Development recipes. `just` comes from `pip install rust-just` or `cargo install just`.

set dotenv-load := false

pg_url := env_var_or_default("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")

default:
    @just --list

# Serve on the embedded default (SQLite under ./data).
dev:
    cargo run -p compliance-vault -- serve

# Every test, PostgreSQL included.
test:
    TEST_DATABASE_URL={{pg_url}} cargo test --workspace

# Formatting and lints, as CI checks them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# The Prometheus alert rules: checked, and each alert's unit test (promtool from Debian's prometheus).
monitoring-check:
    promtool check rules docs/monitoring/alerts.yml
    promtool test rules docs/monitoring/alerts_test.yml

# What CI runs.
ci:
    bash .ci/run

# Bring the configured database's schema up to date.
migrate:
    cargo run -p compliance-vault -- migrate

# Seal and verify the audit chain of the configured database.
audit-verify:
    cargo run -p compliance-vault -- audit verify

# Drop the databases tests left behind (named cvt_*).
db-clean-tests:
    psql "{{pg_url}}" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'cvt\_%'" | while read -r db; do psql "{{pg_url}}" -qc "DROP DATABASE \"$db\""; done

# Intake throughput and latency on SQLite and PostgreSQL (needs wrk: apt-get install wrk).
bench-intake seconds="20" connections="32":
    scripts/bench-intake.sh {{seconds}} {{connections}} {{pg_url}}

# Property evaluations per second of the compliance engine.
bench-compliance:
    cargo bench -p compliance --bench evaluate

# Fuzz the running API against its OpenAPI document (pip install schemathesis).
fuzz-api examples="300":
    scripts/fuzz-api.sh {{examples}}

# Sign-in throughput against one Argon2id hash alone (needs wrk).
bench-login seconds="15" connections="8":
    scripts/bench-login.sh {{seconds}} {{connections}}
    cargo bench -p identity --bench hash

# Sign-in memory: a burst of BURST sign-ins from distinct addresses (peak, a minute later), then steady load.
bench-login-memory burst="500" seconds="15" connections="8":
    scripts/bench-login-memory.sh {{burst}} {{seconds}} {{connections}}

# Hostile PDFs (an object-stream bomb, 190,000 objects, heavy pages) read as suggestions read them: time, peak memory.
bench-pdf:
    scripts/bench-pdf.sh

# Queue and drain COUNT emails on SQLite and PostgreSQL: emails per second, database time per email.
bench-email count="100000":
    scripts/bench-email.sh {{count}} {{pg_url}}

# Provision COUNT paid intakes of 15 properties through the Stripe webhook: clients per second.
bench-provision count="10000" concurrency="16":
    scripts/bench-provision.sh {{count}} {{concurrency}} {{pg_url}}

# Upload MB/s to the local store beside sha256sum + cp on the same disk; peak memory on a 1 GB upload.
bench-upload:
    scripts/bench-upload.sh

# The portal walked in headless Chromium, writing each page's screenshots (desktop and phone) into docs/screenshots.
screenshots:
    npm ci --prefix tests/browser --no-audit --no-fund
    SCREENSHOTS_DIR="$PWD/docs/screenshots" cargo test -p compliance-vault --test api browser

# The dashboard page beside the JSON dashboard (15 properties, SQLite, wrk): requests/s, p99, page size.
bench-pages seconds="15" connections="32":
    scripts/bench-pages.sh {{seconds}} {{connections}}

# The compliance pack: 15 properties, 150 documents of 200 KB; PDF, JSON and ZIP beside `zip`.
bench-pack runs="20":
    scripts/bench-pack.sh {{runs}}

# The daily job over CLIENTS generated clients (10 requirements each) on PostgreSQL: wall time and peak RSS, beside a bare scan.
bench-jobs clients="100000":
    scripts/bench-jobs.sh {{clients}} {{pg_url}}

# Fuzz each target for SECONDS (cargo-fuzz on the stable toolchain); the corpus and any crash
# are replayed by `cargo test -p compliance-vault --test fuzz_corpus`.
fuzz seconds="60":
    scripts/fuzz.sh {{seconds}}

# wrk over CLIENTS signed-in clients on six routes, SQLite and PostgreSQL; any error fails it (needs wrk, pgbench).
load seconds="15" connections="64" clients="1000":
    scripts/load.sh {{seconds}} {{connections}} {{clients}} {{pg_url}}

# Faults under load on a PostgreSQL and Redis of its own: PostgreSQL and Redis stopped, two instances (needs redis-server, jq).
chaos seconds="30" gap="5":
    scripts/chaos.sh {{seconds}} {{gap}}
