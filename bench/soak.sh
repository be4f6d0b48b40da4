#!/usr/bin/env bash
# Soak benchmark for podup (a benchmark, not a test): `podup serve` on 127.0.0.1 under a steady mix of signed
# webhooks, forged webhooks, API reads and SSE task-log streams for BENCH_SOAK_SECONDS [600], bounded in rate
# and in requests in flight; podup's RSS and the state database's size on disk are sampled every 10 s.
# What it shows: RSS stays flat, and the database stays bounded by the size cap. To see the cap work within
# minutes, podup runs with PODUP_MAX_DB_SIZE=BENCH_SOAK_MAX_DB [16MiB] (the smallest it allows; the default
# is 256MiB); everything else is podup's defaults (rate limits on, info logs, PODUP_DB_SYNC=full). There is no
# Podman socket, so each queued task fails fast after its first steps, with its journal lines.
#
#   bash bench/soak.sh            # print a Markdown section with the samples
#   bash bench/soak.sh --write    # ... and add/replace today's soak section in docs/benchmarks.md
#
# Environment (defaults in brackets): BENCH_SOAK_SECONDS [600], BENCH_SOAK_MAX_DB [16MiB],
#   SOAK_WEBHOOK_RPS [50] signed webhooks/s over SOAK_IMAGES [1000] images (the default image rate limit,
#   60/1h per image, is not reached), SOAK_FORGED_RPS [10] wrongly signed webhooks/s, SOAK_READ_RPS [10] API
#   reads/s, SOAK_STREAMS [8] SSE streams open at a time, BENCH_DOC [docs/benchmarks.md], BENCH_KEEP=1 keeps
#   the temp dir.
# podup is stopped by its PID (also on exit/interrupt); nothing is killed by name.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WRITE=0
for arg in "$@"; do
  case $arg in
    --write) WRITE=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "soak.sh: unknown argument $arg (try --help)" >&2
      exit 2
      ;;
  esac
done
SECONDS_TOTAL=${BENCH_SOAK_SECONDS:-600}
MAX_DB=${BENCH_SOAK_MAX_DB:-16MiB}
DOC=${BENCH_DOC:-$ROOT/docs/benchmarks.md}
[[ -f $ROOT/server/dist/serve.mjs ]] || { echo "soak.sh: server/dist is missing; run: npm run build" >&2; exit 1; }

WORK=$(mktemp -d /tmp/podup-soak.XXXXXX)
PID=""
cleanup() {
  local rc=$?
  if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    for _ in $(seq 200); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null || true
  fi
  if [[ ${BENCH_KEEP:-0} == 1 || $rc -ne 0 ]]; then echo "soak.sh: work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
SECRET=soak-$(openssl rand -hex 16)
TOKEN=$(openssl rand -hex 24)
STATE=$WORK/state
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')

env PODUP_HTTP_ADDR="127.0.0.1:$PORT" PODUP_STATE_DIR="$STATE" PODUP_GITHUB_WEBHOOK_SECRET="$SECRET" \
  PODUP_ADMIN_TOKEN="$TOKEN" PODUP_MAX_DB_SIZE="$MAX_DB" "$ROOT/bin/podup-serve" >"$WORK/podup.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" && break
  kill -0 "$PID" 2>/dev/null || { tail -20 "$WORK/podup.log" >&2; exit 1; }
  sleep 0.05
done

echo "soak.sh: ${SECONDS_TOTAL}s against podup PID $PID on 127.0.0.1:$PORT (state $STATE, PODUP_MAX_DB_SIZE=$MAX_DB)" >&2
counts=$(SOAK_URL="http://127.0.0.1:$PORT" SOAK_PID=$PID SOAK_STATE_DIR=$STATE SOAK_SECRET=$SECRET \
  SOAK_ADMIN_TOKEN=$TOKEN SOAK_OUT=$WORK/samples.tsv SOAK_SECONDS=$SECONDS_TOTAL \
  SOAK_FIXTURE=$ROOT/tests/fixtures/github/package-published.json node "$ROOT/bench/soak-load.mjs")
counts=${counts#SOAK_COUNTS }
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
CPU_S=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14+$15)/hz}' "/proc/$PID/stat")
kill -0 "$PID" 2>/dev/null || { echo "soak.sh: podup exited during the soak" >&2; tail -20 "$WORK/podup.log" >&2; exit 1; }
ERRORS=$(grep -c '"level":"error"\|"level":50' "$WORK/podup.log" || true)
SHED=$(grep -c 'database size cap\|shed' "$WORK/podup.log" || true)

{
  echo "## Soak $(date -u +%Y-%m-%d) (bench/soak.sh)"
  echo
  echo "Run started $STARTED, ${SECONDS_TOTAL} s, podup $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')" \
    "as the units start it (bin/podup-serve) with its defaults and PODUP_MAX_DB_SIZE=$MAX_DB (the smallest" \
    "cap it allows, so that the cap is reached within minutes; the default is 256MiB). Load average before:" \
    "$LOAD_BEFORE, after: $LOAD_AFTER (2 cores, shared). Load: ${SOAK_WEBHOOK_RPS:-50} signed webhooks/s over" \
    "${SOAK_IMAGES:-1000} images (fresh deliveries), ${SOAK_FORGED_RPS:-10} forged webhooks/s," \
    "${SOAK_READ_RPS:-10} API reads/s (tasks, events by outcome, overview), ${SOAK_STREAMS:-8} SSE task-log streams" \
    "open at a time (each 15 s at most); at most 64 requests in flight. podup used $CPU_S s of CPU."
  echo
  echo "Requests by kind and status: \`$counts\`. podup logged $ERRORS error line(s) and $SHED line(s) about shedding."
  echo
  awk -F'\t' 'NR>1{n++; r[n]=$2; d[n]=$3+$4} END{
    rmin=r[1]; rmax=r[1]; dmin=d[1]; dmax=d[1];
    for(i=1;i<=n;i++){ if(r[i]<rmin)rmin=r[i]; if(r[i]>rmax)rmax=r[i]; if(d[i]<dmin)dmin=d[i]; if(d[i]>dmax)dmax=d[i] }
    # the second half of the run: flat means its RSS range is small
    h=int(n/2)+1; hmin=r[h]; hmax=r[h]; for(i=h;i<=n;i++){ if(r[i]<hmin)hmin=r[i]; if(r[i]>hmax)hmax=r[i] }
    printf "| figure | min | max | last |\n|---|---:|---:|---:|\n";
    printf "| RSS, MiB | %.1f | %.1f | %.1f |\n", rmin, rmax, r[n];
    printf "| RSS in the second half, MiB | %.1f | %.1f | %.1f |\n", hmin, hmax, r[n];
    printf "| database on disk (db + wal + shm), MiB | %.1f | %.1f | %.1f |\n", dmin, dmax, d[n] }' "$WORK/samples.tsv"
  echo
  echo "Samples every 10 s:"
  echo
  echo "| t (s) | RSS MiB | podup.db MiB | -wal + -shm MiB | accepted so far | streams open |"
  echo "|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR>1{printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6}' "$WORK/samples.tsv"
} >"$WORK/section.md"
cat "$WORK/section.md"

if [[ $WRITE == 1 ]]; then
  node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs";
    const [doc, sectionFile] = process.argv.slice(1);
    const begin = "<!-- bench:soak begin -->", end = "<!-- bench:soak end -->";
    const block = `${begin}\n${readFileSync(sectionFile, "utf8").trimEnd()}\n${end}\n`;
    let text = readFileSync(doc, "utf8");
    const i = text.indexOf(begin), j = text.indexOf(end);
    text = i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length).replace(/^\n/, "") : `${text.trimEnd()}\n\n${block}`;
    writeFileSync(doc, text);
    console.error(`soak.sh: wrote the soak section of ${doc}`);
  ' "$DOC" "$WORK/section.md"
fi
