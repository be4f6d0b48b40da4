#!/usr/bin/env bash
# Update-path benchmark on the real test host: orchestration overhead per unit of a podup task over a raw
# `podman pull` + `systemctl --user restart` of the same units, for 1 and N units of one image.
#   bash bench/update.sh            # print the Markdown results
#   bash bench/update.sh --write    # ... and append them to docs/benchmarks.md
# Environment: BENCH_ROUNDS [5] rounds per size, BENCH_UNITS ["1 4"] unit counts.
# Brings the test host up if it is not (and down again afterwards); everything stays on 127.0.0.1.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TH=${PODUP_TEST_HOST_DIR:-/tmp/podup-test-host}
started_host=0
if ! [ -f "$TH/user-manager.pid" ] || ! kill -0 "$(cat "$TH/user-manager.pid")" 2>/dev/null; then
  bash "$ROOT/scripts/test-host.sh" up
  started_host=1
fi
cleanup() { if [ "$started_host" = 1 ]; then bash "$ROOT/scripts/test-host.sh" down; fi; }
trap cleanup EXIT

[ -f "$ROOT/server/dist/podup.mjs" ] || (cd "$ROOT" && npm run build -w server >/dev/null)
out=$(node "$ROOT/bench/update-bench.mjs")
section="## Update path $(date -u +%Y-%m-%d) (bench/update.sh)

Machine: $(nproc) cores, node $(node -v), podman $(podman --version | awk '{print $3}'), systemd $(systemctl --version | awk 'NR==1{print $2}') (user manager of the test host).
Each round pushes a new image version; \"raw\" runs \`podman pull\` and \`systemctl --user restart\` for each unit as commands;
\"podup\" is a task through the API (discovery, registry check, pull through the Podman API, restart over D-Bus with its
job result, health gate of 1 ms, digest check, prune), timed by podup from start to finish. Target: < 100 ms overhead
per unit, and pulls do not grow with N.

$out
"
echo "$section"
if [ "${1:-}" = "--write" ]; then
  printf '\n%s' "$section" >> "$ROOT/docs/benchmarks.md"
  echo "appended to docs/benchmarks.md" >&2
fi
