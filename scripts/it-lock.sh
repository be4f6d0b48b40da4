#!/usr/bin/env bash
# Runs a command while holding the test host's lock, so that several checkouts on one machine (git worktrees)
# never run integration tests against the one test host at the same time. CI runs one suite and needs no lock.
#   scripts/it-lock.sh npx vitest run --project integration tests/integration/x.test.ts
set -euo pipefail
exec flock "${PODUP_TEST_HOST_LOCK:-/tmp/podup-test-host.lock}" "$@"
