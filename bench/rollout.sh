#!/usr/bin/env bash
# podup against `podman auto-update` on the same units, side by side in one run on the real test host: a new
# digest -> 2 units of one image running it (issue 11's target: podup <= 0.5x). Rounds alternate the order.
#   bash bench/rollout.sh            # print the Markdown results
#   bash bench/rollout.sh --write    # ... and append them to docs/benchmarks.md
# Environment: BENCH_ROUNDS [5]; BENCH_IDLE_PCT [80], BENCH_IDLE_WAIT [60]: before each run wait up to
# BENCH_IDLE_WAIT s for a second with BENCH_IDLE_PCT % idle CPU (the machine is shared); runs that started
# busier are counted in the results line. Takes the test host's lock (scripts/it-lock.sh) while it runs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TH=${PODUP_TEST_HOST_DIR:-/tmp/podup-test-host}
if [ -z "${PODUP_BENCH_LOCKED:-}" ]; then
  PODUP_BENCH_LOCKED=1 exec "$ROOT/scripts/it-lock.sh" bash "$0" "$@"
fi
started_host=0
if ! [ -f "$TH/user-manager.pid" ] || ! kill -0 "$(cat "$TH/user-manager.pid")" 2>/dev/null; then
  bash "$ROOT/scripts/test-host.sh" up
  started_host=1
fi
cleanup() { if [ "$started_host" = 1 ]; then bash "$ROOT/scripts/test-host.sh" down; fi; }
trap cleanup EXIT

[ -f "$ROOT/server/dist/podup.mjs" ] || (cd "$ROOT" && npm run build -w server >/dev/null)
out=$(node "$ROOT/bench/rollout-bench.mjs")
section="## Rollout against podman auto-update $(date -u +%Y-%m-%d) (bench/rollout.sh)

Machine: $(nproc) cores, node $(node -v), podman $(podman --version | awk '{print $3}'), systemd $(systemctl --version | awk 'NR==1{print $2}') (user manager of the test host).
Each round pushes a new digest of one image that 2 units run (podman run --rm --replace, sd_notify, stop on
SIGTERM), then times \"new digest -> both units run it\" for each tool: \`podman auto-update\` as one command
(registry check, pull, restart of each unit); podup from the signed package webhook (coalescing window 0) to
the end of its task (discovery, registry check, pull, the canary through its gate, then the other unit, digest
checks), minus the time inside its health gates (PODUP_HEALTH_WINDOW=1ms). Both tools restart the same units
through the same systemd manager.

$out
"
echo "$section"
if [ "${1:-}" = "--write" ]; then
  printf '\n%s' "$section" >> "$ROOT/docs/benchmarks.md"
  echo "appended to docs/benchmarks.md" >&2
fi
