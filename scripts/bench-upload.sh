#!/usr/bin/env bash
# Upload throughput to the local document store beside the disk's own limit (sha256sum + cp of the
# same bytes), and the server's peak memory while a 1 GB upload meets the 20 MB limit.
# Usage: scripts/bench-upload.sh
set -euo pipefail
cd "$(dirname "$0")/.."
secret=whsec_bench
cargo build --release --locked -p compliance-vault --bin compliance-vault --example bench_upload
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
binary="$target_dir/release/compliance-vault"
bench="$target_dir/release/examples/bench_upload"
port=18183
data_dir=$(mktemp -d)
trap 'rm -rf "$data_dir"' EXIT

DATA_DIR=$data_dir BIND_ADDR=127.0.0.1:$port LOG_FORMAT=json RUST_LOG=warn STRIPE_WEBHOOK_SECRET=$secret \
  MAIL_POLL_INTERVAL_MS=50 "$binary" serve &
server=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
echo "server RSS at start: $(grep VmRSS /proc/$server/status | awk '{print $2}') kB"
"$bench" "http://127.0.0.1:$port" "$secret" "$data_dir" 1:100 20:10
echo "server peak RSS (VmHWM) after all uploads and the 1 GB attempt: $(grep VmHWM /proc/$server/status | awk '{print $2}') kB"
kill -TERM "$server"; wait "$server" || true

echo "== the disk's limit: sha256sum + cp of the same bytes"
baseline=$(mktemp -d "$data_dir/baseline.XXXX")
for spec in 1:100 20:10; do
  mb=${spec%%:*}; count=${spec##*:}
  head -c $((mb * 1000000)) /dev/urandom > "$baseline/source"
  start=$(date +%s.%N)
  for i in $(seq 1 "$count"); do sha256sum "$baseline/source" >/dev/null; cp "$baseline/source" "$baseline/copy-$i"; sync "$baseline/copy-$i"; done
  end=$(date +%s.%N)
  echo "sha256sum + cp $mb MB x $count: $(echo "$mb * $count / ($end - $start)" | bc -l | xargs printf '%.1f') MB/s"
  rm -f "$baseline"/copy-*
done
