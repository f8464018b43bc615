#!/usr/bin/env bash
# Benchmarks (not tests): measured numbers for the README and the closing notes.
#
#   scripts/bench.sh            all benchmarks
#   scripts/bench.sh list       `launchcheck list` start-up, median of 20 runs (target < 20 ms)
#   scripts/bench.sh secrets    secrets scan vs `rg -F` on a generated 50,000-file / 500 MB tree
#                               (target: launchcheck within 1.5x of ripgrep's wall time)
#   scripts/bench.sh sso        full `sso` run against the sandbox app, 20 endpoints answering
#                               after 200 ms each: wall time / 200 ms (target <= 1.5)
#   scripts/bench.sh webhook    signing throughput (2 KiB body, one core) and the webhook probe's
#                               added time per delivery to an instant receiver (target < 1 ms)
#   scripts/bench.sh network    `launchcheck network` on 200 hosts (150 healthy, 40 silent, 10
#                               NXDOMAIN), --timeout 2: wall time vs one timeout (<= 1.5x), peak RSS
#   scripts/bench.sh api        provider API checks on 2,000 organizations answering in 50 ms:
#                               wall time (< 10 s), requests/s, peak in flight vs the per-host limit
#
# Everything runs on this machine; nothing is sent anywhere. The generated tree lives in
# bench-out/ (ignored by git) and is reused between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
out=bench-out
mkdir -p "$out"

cargo build --release --quiet
bin=target/release/launchcheck

median_ms() { # command... ; runs it N times (N=$RUNS), prints the median wall time in ms
  python3 - "$@" <<'PY'
import os, subprocess, sys, time, statistics
runs = int(os.environ.get("RUNS", "20"))
cmd = sys.argv[1:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(times):.1f}")
PY
}

bench_list() {
  "$bin" list >/dev/null # warm the page cache
  local ms
  ms=$(RUNS=20 median_ms "$bin" list)
  echo "list: median of 20 runs: ${ms} ms (target < 20 ms)"
}

make_tree() {
  local tree="$out/tree"
  if [ -f "$tree/.complete" ]; then return; fi
  rm -rf "$tree"
  echo "generating $tree: 50,000 files, ~500 MB ..."
  python3 - "$tree" <<'PY'
import os, random, sys
root = sys.argv[1]
random.seed(42)
words = ("const let fn return import from def class async await user group org token "
         "session config value error handler request response json yaml http https "
         "callback redirect state nonce webhook event directory provision").split()
chunk = []
size = 0
while size < 2_000_000:
    line = " ".join(random.choice(words) for _ in range(random.randint(4, 14))) + "\n"
    chunk.append(line); size += len(line)
text = "".join(chunk)
n_files, per_dir = 50_000, 500
target_bytes = 500 * 1024 * 1024
avg = target_bytes // n_files
for i in range(n_files):
    d = os.path.join(root, f"pkg{i // per_dir:03d}", f"mod{(i // 50) % 10}")
    os.makedirs(d, exist_ok=True)
    n = random.randint(avg // 2, avg * 3 // 2)
    start = random.randint(0, len(text) - n - 1)
    body = text[start:start + n]
    if i % 10_000 == 1234:
        body = body[: n // 2] + "\nSECRET = 'lc_bench_secret_Q7w3Zr9xK2pL'\n" + body[n // 2:]
    with open(os.path.join(d, f"file{i}.txt"), "w") as f:
        f.write(body)
open(os.path.join(root, ".complete"), "w").close()
PY
  du -sh "$tree" | sed 's/^/tree size: /'
}

bench_secrets() {
  if ! command -v rg >/dev/null 2>&1; then
    echo "installing ripgrep (Debian package) for the comparison ..."
    (apt-get update -qq && apt-get install -y -qq ripgrep) >/dev/null 2>&1 || {
      echo "ripgrep unavailable: cannot compare"; return 0; }
  fi
  make_tree
  local tree="$out/tree" secret="lc_bench_secret_Q7w3Zr9xK2pL"
  printf 'repo:\n  path: tree\n' >"$out/launchcheck.yaml"
  # Warm the page cache for both tools.
  rg -F --hidden -c "$secret" "$tree" >/dev/null || true
  local rg_ms lc_ms
  rg_ms=$(RUNS=5 median_ms rg -F --hidden -c "$secret" "$tree")
  lc_ms=$(RUNS=5 SCALEKIT_CLIENT_SECRET="$secret" median_ms "$bin" scim -c "$out/launchcheck.yaml" \
    --only scim.secrets.client-secret-not-committed -f json)
  SCALEKIT_CLIENT_SECRET="$secret" "$bin" scim -c "$out/launchcheck.yaml" \
    --only scim.secrets.client-secret-not-committed -f json \
    | python3 -c 'import json,sys; c=json.load(sys.stdin)["checks"][0]; print("launchcheck found:", c["message"]); print("files scanned:", c["evidence"].get("files_scanned"), "bytes:", c["evidence"].get("bytes_scanned"))' || true
  echo "rg -F: ${rg_ms} ms, launchcheck secrets scan: ${lc_ms} ms (median of 5, warm cache)"
  python3 -c "print(f'ratio launchcheck/ripgrep: {float(\"$lc_ms\")/float(\"$rg_ms\"):.2f} (target <= 1.5)')"
}

bench_sso() {
  cargo run --release --quiet --example bench_sso
}

bench_webhook() {
  taskset -c 0 true 2>/dev/null && pin="taskset -c 0" || pin=""
  cargo build --release --quiet --example bench_webhook
  $pin target/release/examples/bench_webhook
}

bench_network() {
  cargo build --release --quiet --example bench_network
  target/release/examples/bench_network
}

bench_api() {
  cargo run --release --quiet --example bench_api
}

case "$what" in
  list) bench_list ;;
  secrets) bench_secrets ;;
  sso) bench_sso ;;
  webhook) bench_webhook ;;
  network) bench_network ;;
  api) bench_api ;;
  all) bench_list; bench_secrets; bench_sso; bench_webhook; bench_network; bench_api ;;
  *) echo "usage: $0 [all|list|secrets|sso|webhook|network|api]" >&2; exit 2 ;;
esac
