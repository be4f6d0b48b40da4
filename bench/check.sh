#!/usr/bin/env bash
# podup's full registry check against `podman auto-update --dry-run` on the same units, side by side in one run
# on the real test host: 30 units over 10 images, nothing updated (issue 9's targets: podup <= 0.5x, at most one
# manifest request per distinct image). Both reach the registry through a counting proxy. Rounds alternate.
#   bash bench/check.sh            # print the Markdown results
#   bash bench/check.sh --write    # ... and append them to docs/benchmarks.md
# Environment: BENCH_ROUNDS [5]; BENCH_IMAGES [10], BENCH_UNITS_PER_IMAGE [3]; BENCH_IDLE_PCT [80],
# BENCH_IDLE_WAIT [60]: before each run wait up to BENCH_IDLE_WAIT s for a second with BENCH_IDLE_PCT % idle
# CPU (the machine is shared). Takes the test host's lock (scripts/it-lock.sh) while it runs.
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
load=$(cut -d' ' -f1-3 /proc/loadavg)
out=$(node "$ROOT/bench/check-bench.mjs")
section="## Registry check against podman auto-update --dry-run $(date -u +%Y-%m-%d) (bench/check.sh)

Machine: $(nproc) cores, node $(node -v), podman $(podman --version | awk '{print $3}'), systemd $(systemctl --version | awk 'NR==1{print $2}') (user manager of the test host); load average at the start $load (shared machine).
Each round times, for each tool, one full check of the same units with nothing applied: \`podman auto-update
--dry-run\` as one command; podup's \`GET /api/v1/check\` against a running \`podup serve\` (discovery, one registry
lookup per distinct image, the policy decision per unit). Both read the same bench registries.conf, whose ghcr.io
mirror is a counting proxy in front of the test host's registry.

$out
"
echo "$section"
if [ "${1:-}" = "--write" ]; then
  printf '\n%s' "$section" >> "$ROOT/docs/benchmarks.md"
  echo "appended to docs/benchmarks.md" >&2
fi
