#!/usr/bin/env bash
# Webhook benchmark for podup: throughput and p99 of signed GitHub `package` events, against a bare
# node:http server (the ceiling for Node) and adnanh/webhook (the Go tool podup replaces), plus the cold start
# under systemd-socket-activate against a bare node server.
#
#   bash bench/webhook.sh            # print a Markdown section with the results
#   bash bench/webhook.sh --write    # ... and add/replace today's section in docs/benchmarks.md
#   npm run bench:webhook [-- --write]
#
# Environment (defaults in brackets):
#   BENCH_DURATION [10s]   wrk -d per measured run      BENCH_RUNS [3]        measured runs per target
#   BENCH_THREADS [2]      wrk -t                       BENCH_CONNECTIONS [50] wrk -c
#   BENCH_BODIES [2000]    different signed bodies (one image each; with the default image rate limit of 60/1h,
#                          2,000 images allow 120,000 accepted deliveries per run before any 429)
#   BENCH_SYNC_MODES ["defaults full normal"]   podup configurations measured; targets are judged on the first.
#                          "defaults" is podup as an operator runs it: nothing set but the address, the state dir
#                          and the secret (image rate limit 60/1h and the bad-signature limit on, info logs,
#                          PODUP_DB_SYNC=full). "full" and "normal" are PODUP_DB_SYNC values with the image
#                          rate limit off and PODUP_LOG_LEVEL=BENCH_LOG_LEVEL (the tuned setup of earlier runs)
#   BENCH_LOG_LEVEL [warn] PODUP_LOG_LEVEL for the tuned podup runs   BENCH_COLD_RUNS [9]   cold starts per server
#   BENCH_STRICT_STATUS [1] count every non-2xx in wrk's Lua response() (0: only wrk's status>=400 counter)
#   BENCH_ONLY ["bare verify webhook podup cold"]  subset of the measurements (verify: the bare server plus
#                          HMAC check and JSON.parse, the ceiling for any server that must do both)
#   BENCH_IDLE_PCT [90], BENCH_IDLE_WAIT [180]  before each measured run, wait up to BENCH_IDLE_WAIT s for a
#                          second with >= BENCH_IDLE_PCT % idle CPU (the VM is shared); runs that started busy
#                          or where other processes used > BENCH_MAX_OTHER_CPU [0.15] cores are flagged BUSY-HOST
#   BENCH_PODUP_BUNDLE=1   also measure podup started from server/dist/serve.mjs (no startup snapshot)
#   BENCH_BASE=DIR         also measure another built checkout's bin/podup-serve (target base-podup-MODE), in
#                          the same interleaved rounds: a before/after A/B on a shared host
#   BENCH_WRITE=1 same as --write; BENCH_DOC [docs/benchmarks.md]; BENCH_KEEP=1 keeps the temp dir
#
# Needs wrk, webhook (adnanh), openssl, curl, systemd-socket-activate and a built server (npm run build -w server).
# Everything listens on 127.0.0.1 on free ephemeral ports. Every process is started in the background, tracked
# by PID and stopped by PID (also on exit/interrupt); nothing is killed by name.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURE=$ROOT/tests/fixtures/github/package-published.json

WRITE=${BENCH_WRITE:-0}
for arg in "$@"; do
  case $arg in
    --write) WRITE=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "webhook.sh: unknown argument $arg (try --help)" >&2
      exit 2
      ;;
  esac
done

DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-50}
BODIES=${BENCH_BODIES:-2000}
RUNS=${BENCH_RUNS:-3}
COLD_RUNS=${BENCH_COLD_RUNS:-9}
LOG_LEVEL=${BENCH_LOG_LEVEL:-warn}
read -r -a SYNC_MODES <<<"${BENCH_SYNC_MODES:-defaults full normal}"
export BENCH_STRICT_STATUS=${BENCH_STRICT_STATUS:-1}
ONLY=" ${BENCH_ONLY:-bare verify webhook podup cold} "
DOC=${BENCH_DOC:-$ROOT/docs/benchmarks.md}
HOOK_ID=podup-bench

die() {
  echo "webhook.sh: $*" >&2
  exit 1
}
note() { echo "webhook.sh: $*" >&2; }
now_us() { echo "${EPOCHREALTIME/./}"; }
wants() { [[ $ONLY == *" $1 "* ]]; }

for tool in wrk webhook openssl curl node systemd-socket-activate; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -f $ROOT/server/dist/cli.js ]] || die "server/dist is missing; run: npm run build -w server"
[[ -f $FIXTURE ]] || die "fixture $FIXTURE is missing"

WORK=$(mktemp -d /tmp/podup-bench.XXXXXX)
SECRET=bench-$(openssl rand -hex 16)
NONCE=$(openssl rand -hex 4)

# ---------------------------------------------------------------- process bookkeeping (by PID only)
declare -a PIDS=()

forget_pid() {
  local keep=() p
  for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

# stop_pid PID: SIGTERM, up to 10 s for a clean exit, then SIGKILL; reaps the child.
stop_pid() {
  local pid=$1 i
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
      note "PID $pid did not stop within 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  forget_pid "$pid"
}

cleanup() {
  local rc=$? p
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
  if [[ ${BENCH_KEEP:-0} == 1 || $rc -ne 0 ]]; then
    note "work files kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_bg LOGFILE CMD...: runs CMD in the background; its PID ends up in $LAST_PID and in PIDS.
start_bg() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

free_port() {
  local p
  while :; do
    p=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    [[ $p != 25111 && $p != 5077 ]] && break
  done
  echo "$p"
}

# wait_http URL PID LOG: until URL answers anything (or the process dies / 15 s pass).
wait_http() {
  local url=$1 pid=$2 log=$3 i code
  for ((i = 0; i < 300; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    [[ $code != 000 ]] && return 0
    kill -0 "$pid" 2>/dev/null || { tail -20 "$log" >&2; die "server PID $pid exited before answering $url"; }
    sleep 0.05
  done
  tail -20 "$log" >&2
  die "no answer from $url within 15 s"
}

# post_signed URL DELIVERY [SIGNATURE]: one POST of body 0; prints the HTTP status (reply in $WORK/last-reply.txt).
post_signed() {
  local url=$1 delivery=$2 sig=${3:-$(cat "$WORK/sig-0.txt")}
  curl -s --max-time 10 -o "$WORK/last-reply.txt" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' -H 'X-GitHub-Event: package' \
    -H "X-GitHub-Delivery: $delivery" -H "X-Hub-Signature-256: $sig" \
    --data-binary @"$WORK/body-0.json" "$url" || true
}

# preflight NAME URL EXPECTED_STATUS LOG [check-bad-signature]: fail loudly unless a signed request gets
# EXPECTED_STATUS (and, when asked, a wrongly signed one gets a non-2xx status).
preflight() {
  local name=$1 url=$2 want=$3 log=$4 bad=${5:-} code
  code=$(post_signed "$url" "preflight-$NONCE-$name-$RANDOM")
  if [[ $code != "$want" ]]; then
    echo "--- reply:" >&2
    cat "$WORK/last-reply.txt" >&2 || true
    echo "--- server log (tail):" >&2
    tail -20 "$log" >&2 || true
    die "$name: a signed request got HTTP $code, expected $want; not benchmarking a broken setup"
  fi
  if [[ -n $bad ]]; then
    code=$(post_signed "$url" "preflight-bad-$NONCE-$name-$RANDOM" "sha256=$(printf '0%.0s' {1..64})")
    [[ $code =~ ^2 ]] && die "$name: a request with a wrong signature got HTTP $code; the HMAC is not checked"
  fi
  return 0
}

# cpu_idle_pct: percentage of CPU time idle over the next second (all cores, from /proc/stat).
cpu_idle_pct() {
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
  sleep 1
  b=$(awk '/^cpu /{print $2+$3+$4+$5+$6+$7+$8+$9, $5+$6}' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN{split(a,x," "); split(b,y," "); t=y[1]-x[1]; printf "%.0f", (t > 0 ? 100*(y[2]-x[2])/t : 100)}'
}

# wait_idle: the VM is shared (2 cores); before each measured run wait up to BENCH_IDLE_WAIT seconds [180] for
# a second with >= BENCH_IDLE_PCT [90] % idle CPU, so that other work does not end up in the numbers.
# Sets IDLE_PCT to the last reading (reported per run).
wait_idle() {
  local deadline=$((SECONDS + ${BENCH_IDLE_WAIT:-180}))
  while :; do
    IDLE_PCT=$(cpu_idle_pct)
    ((IDLE_PCT >= ${BENCH_IDLE_PCT:-90})) && return 0
    if ((SECONDS >= deadline)); then
      note "machine still busy (${IDLE_PCT}% idle); measuring anyway, the run is flagged"
      return 0
    fi
    note "waiting for an idle machine (${IDLE_PCT}% idle)"
    sleep 2
  done
}

# ---------------------------------------------------------------- inputs
note "generating $BODIES signed bodies and the wrk script in $WORK"
node "$ROOT/bench/gen-wrk-script.mjs" "$FIXTURE" "$SECRET" "$BODIES" "$WORK"
LUA=$WORK/signed-package.lua
# Cross-check the precomputed signature of body 0 with openssl.
ossl="sha256=$(openssl dgst -sha256 -hmac "$SECRET" -r "$WORK/body-0.json" | cut -d' ' -f1)"
[[ $ossl == "$(cat "$WORK/sig-0.txt")" ]] || die "signature of body 0 differs between node and openssl"
BODY_STATS=$(cat "$WORK/bodies.txt")

# adnanh/webhook: same secret, HMAC rule on the raw body, runs /bin/true per accepted hit.
cat >"$WORK/hooks.json" <<EOF
[
  {
    "id": "$HOOK_ID",
    "execute-command": "/bin/true",
    "command-working-directory": "$WORK",
    "http-methods": ["POST"],
    "response-message": "ok",
    "trigger-rule-mismatch-http-response-code": 403,
    "trigger-rule": {
      "match": {
        "type": "payload-hmac-sha256",
        "secret": "$SECRET",
        "parameter": { "source": "header", "name": "X-Hub-Signature-256" }
      }
    }
  }
]
EOF

# ---------------------------------------------------------------- wrk runs
RESULTS=$WORK/results.tsv # target run rps p50_ms p99_ms requests non2xx sock_errors flag idle_pct cpu_server cpu_wrk cpu_other
IDLE_PCT=100
: >"$RESULTS"

HZ=$(getconf CLK_TCK)
# host_busy_ticks: CPU ticks spent non-idle by all cores so far (/proc/stat, without idle and iowait).
host_busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
# proc_ticks PID: user+system ticks of PID and of its reaped children (webhook's /bin/true runs).
proc_ticks() { awk '{print $14+$15+$16+$17}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# children_cpu_s: sets CHILD_CPU to the user+system seconds of all children this shell has reaped so far (bash
# `times`, second line). `times` must run in this shell, not in a $(...) subshell, hence the file and the global.
children_cpu_s() {
  times >"$WORK/times.txt"
  CHILD_CPU=$(awk 'NR==2{for(i=1;i<=2;i++){split($i,a,"m"); sub("s","",a[2]); t+=a[1]*60+a[2]} print t}' "$WORK/times.txt")
}

# run_wrk TARGET RUN URL SERVER_PID: one measured wrk run; appends a row to $RESULTS. Besides wrk's numbers it
# records the CPU used (in cores) by the server, by wrk, and by everything else on the host during the run.
run_wrk() {
  local target=$1 run=$2 url=$3 spid=$4 out line
  out=$WORK/wrk-$target-$run.txt
  wait_idle
  note "wrk $target run $run: wrk -t$THREADS -c$CONNS -d$DURATION --latency $url"
  local h0 s0 h1 s1 t0 t1
  h0=$(host_busy_ticks)
  s0=$(proc_ticks "$spid")
  t0=$(now_us)
  # wrk runs in the background and is waited for, so that a signal stops the benchmark at once (the trap then
  # stops wrk by PID). Its CPU time is the growth of this shell's reaped-children times across the wait.
  local c0 c1 wpid
  children_cpu_s
  c0=$CHILD_CPU
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$LUA" "$url" -- "$NONCE-$target-$run" >"$out" 2>&1 &
  wpid=$!
  PIDS+=("$wpid")
  wait "$wpid" || { cat "$out" >&2; die "wrk failed against $target"; }
  forget_pid "$wpid"
  children_cpu_s
  c1=$CHILD_CPU
  t1=$(now_us)
  s1=$(proc_ticks "$spid")
  h1=$(host_busy_ticks)
  local cpu_server cpu_wrk cpu_other
  read -r cpu_server cpu_wrk cpu_other < <(awk -v h0="$h0" -v h1="$h1" -v s0="$s0" -v s1="$s1" -v hz="$HZ" \
    -v secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN{print (b-a)/1e6}')" -v w0="$c0" -v w1="$c1" \
    'BEGIN{srv=(s1-s0)/hz/secs; wrk=(w1-w0)/secs; oth=(h1-h0)/hz/secs-srv-wrk; if (oth<0) oth=0;
           printf "%.2f %.2f %.2f\n", srv, wrk, oth}')
  line=$(grep '^BENCH_RESULT ' "$out" || true)
  [[ -n $line ]] || { cat "$out" >&2; die "no BENCH_RESULT line in wrk output for $target"; }
  # shellcheck disable=SC2086
  local requests duration_s rps p50_us p90_us p99_us max_us status_ge400 non2xx_strict connect_err read_err write_err timeout_err
  eval "$(echo "${line#BENCH_RESULT }" | tr ' ' '\n' | sed 's/^/local /')"
  local non2xx=$status_ge400
  ((non2xx_strict >= 0)) && non2xx=$non2xx_strict
  local sock=$((connect_err + read_err + write_err + timeout_err))
  local flag=ok
  if ((non2xx > 0 && sock > 0)); then
    flag=NON-2XX+SOCKET-ERRORS
  elif ((non2xx > 0)); then
    flag=NON-2XX
  elif ((sock > 0)); then
    flag=SOCKET-ERRORS
  fi
  # Other work on the host during the run (> BENCH_MAX_OTHER_CPU cores [0.15] on average) flags the run.
  if ((IDLE_PCT < ${BENCH_IDLE_PCT:-90})) || awk -v o="$cpu_other" -v m="${BENCH_MAX_OTHER_CPU:-0.15}" 'BEGIN{exit !(o > m)}'; then
    if [[ $flag == ok ]]; then flag=BUSY-HOST; else flag+=+BUSY-HOST; fi
  fi
  if [[ $flag != ok ]]; then
    note "$target run $run: $flag ($non2xx non-2xx, $sock socket errors, other CPU $cpu_other cores, idle before $IDLE_PCT%)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$run" "$rps" \
    "$(awk -v u="$p50_us" 'BEGIN{printf "%.2f", u/1000}')" "$(awk -v u="$p99_us" 'BEGIN{printf "%.2f", u/1000}')" \
    "$requests" "$non2xx" "$sock" "$flag" "$IDLE_PCT" "$cpu_server" "$cpu_wrk" "$cpu_other" >>"$RESULTS"
}

bench_bare() {
  local run=$1 port log
  port=$(free_port)
  log=$WORK/bare-$run.log
  start_bg "$log" env BARE_PORT="$port" node "$ROOT/bench/bare-node-server.mjs"
  local pid=$LAST_PID
  wait_http "http://127.0.0.1:$port/healthz" "$pid" "$log"
  preflight bare "http://127.0.0.1:$port/webhooks/github" 202 "$log"
  run_wrk bare-node "$run" "http://127.0.0.1:$port/webhooks/github" "$pid"
  stop_pid "$pid"
}

bench_verify() {
  local run=$1 port log
  port=$(free_port)
  log=$WORK/bare-verify-$run.log
  start_bg "$log" env BARE_PORT="$port" BARE_VERIFY_SECRET="$SECRET" node "$ROOT/bench/bare-node-server.mjs"
  local pid=$LAST_PID
  wait_http "http://127.0.0.1:$port/healthz" "$pid" "$log"
  preflight bare-verify "http://127.0.0.1:$port/webhooks/github" 202 "$log" check-bad-signature
  run_wrk bare-verify "$run" "http://127.0.0.1:$port/webhooks/github" "$pid"
  stop_pid "$pid"
}

bench_webhook() {
  local run=$1 port log
  port=$(free_port)
  log=$WORK/webhook-$run.log
  start_bg "$log" webhook -hooks "$WORK/hooks.json" -ip 127.0.0.1 -port "$port"
  local pid=$LAST_PID
  wait_http "http://127.0.0.1:$port/" "$pid" "$log"
  preflight webhook "http://127.0.0.1:$port/hooks/$HOOK_ID" 200 "$log" check-bad-signature
  run_wrk adnanh-webhook "$run" "http://127.0.0.1:$port/hooks/$HOOK_ID" "$pid"
  stop_pid "$pid"
}

podup_env() { # podup_env SYNC|defaults STATE_DIR PORT -> NAME=VALUE lines
  printf '%s\n' "PODUP_HTTP_ADDR=127.0.0.1:$3" "PODUP_STATE_DIR=$2" "PODUP_GITHUB_WEBHOOK_SECRET=$SECRET"
  # "defaults": every other setting as shipped (rate limits on, info logs, PODUP_DB_SYNC=full).
  [[ $1 == defaults ]] && return 0
  printf '%s\n' "PODUP_RATE_LIMIT_IMAGE=off" "PODUP_LOG_LEVEL=$LOG_LEVEL" "PODUP_DB_SYNC=$1"
}
# What a podup target runs with, for the report.
describe_podup() {
  if [[ $1 == defaults ]]; then
    echo "podup's defaults (image rate limit 60/1h, bad-signature limit 10/10m, PODUP_LOG_LEVEL=info, PODUP_DB_SYNC=full)"
  else
    echo "PODUP_RATE_LIMIT_IMAGE=off, PODUP_LOG_LEVEL=$LOG_LEVEL, PODUP_DB_SYNC=$1"
  fi
}

# What podup itself recorded (after it stopped): webhook events by status, deliveries, tasks.
podup_db_summary() {
  node --input-type=module -e '
    import { createRequire } from "node:module";
    const require = createRequire(process.argv[1] + "/server/package.json");
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[2], { readonly: true });
    const by = db.prepare("SELECT status, count(*) AS n FROM events WHERE route = ? GROUP BY status").all("/webhooks/github");
    const one = (sql) => db.prepare(sql).pluck().get();
    console.log(`events ${by.map((r) => `${r.status}=${r.n}`).join(",")} deliveries=${one("SELECT count(*) FROM deliveries")} tasks=${one("SELECT count(*) FROM tasks")}`);
  ' "$ROOT" "$1"
}

# bench_podup SYNC RUN [bundle]: podup as the systemd units start it (bin/podup-serve, startup snapshot), or with
# "bundle" from server/dist/serve.mjs without the snapshot (target podup-bundle-SYNC, BENCH_PODUP_BUNDLE=1).
bench_podup() {
  local sync=$1 run=$2 how=${3:-} port log state target
  target=podup${how:+-$how}-$sync
  port=$(free_port)
  log=$WORK/$target-$run.log
  state=$WORK/$target-$run-state
  local -a envv
  mapfile -t envv < <(podup_env "$sync" "$state" "$port")
  if [[ $how == bundle ]]; then
    start_bg "$log" env "${envv[@]}" node "$ROOT/server/dist/serve.mjs"
  elif [[ $how == base ]]; then
    target=base-podup-$sync
    start_bg "$log" env "${envv[@]}" "$BENCH_BASE/bin/podup-serve"
  else
    start_bg "$log" env "${envv[@]}" "$ROOT/bin/podup-serve"
  fi

  local pid=$LAST_PID
  wait_http "http://127.0.0.1:$port/healthz" "$pid" "$log"
  preflight "$target" "http://127.0.0.1:$port/webhooks/github" 202 "$log" check-bad-signature
  run_wrk "$target" "$run" "http://127.0.0.1:$port/webhooks/github" "$pid"
  stop_pid "$pid"
  local summary
  summary=$(podup_db_summary "$state/podup.db")
  echo "$target run $run: $summary" >>"$WORK/podup-db.txt"
  # Every webhook event must be a 202 except the one bad-signature preflight (401).
  if [[ $summary =~ events\ (.*)\ deliveries ]]; then
    local s
    for s in ${BASH_REMATCH[1]//,/ }; do
      [[ $s == 202=* || $s == 401=1 ]] || note "$target run $run recorded unexpected statuses: $summary"
    done
  fi
  rm -rf "$state"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
for ((run = 1; run <= RUNS; run++)); do
  if wants bare; then bench_bare "$run"; fi
  if wants verify; then bench_verify "$run"; fi
  if wants webhook; then bench_webhook "$run"; fi
  if wants podup; then
    for sync in "${SYNC_MODES[@]}"; do
      bench_podup "$sync" "$run"
      if [[ ${BENCH_PODUP_BUNDLE:-0} == 1 ]]; then bench_podup "$sync" "$run" bundle; fi
      if [[ -n ${BENCH_BASE:-} ]]; then bench_podup "$sync" "$run" base; fi
    done
  fi
done

# ---------------------------------------------------------------- cold start under systemd-socket-activate
COLD=$WORK/cold.tsv # target run ms
: >"$COLD"

# cold_once TARGET RUN CMD...: launch systemd-socket-activate, poll GET /healthz with curl every ~2 ms,
# time from the launch to the first HTTP response. RUN 0 is an untimed warm-up (page cache, DB creation).
cold_once() {
  local target=$1 run=$2
  shift 2
  local port log t0 t1 code pid
  port=$(free_port)
  log=$WORK/cold-$target-$run.log
  t0=$(now_us)
  start_bg "$log" systemd-socket-activate -l "127.0.0.1:$port" --fdname=http "${@//@PORT@/$port}"
  pid=$LAST_PID
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/healthz" || true)
    [[ $code != 000 ]] && break
    if (($(now_us) - t0 > 15000000)) || ! kill -0 "$pid" 2>/dev/null; then
      tail -20 "$log" >&2
      die "cold start of $target: no HTTP answer"
    fi
    sleep 0.002
  done
  t1=$(now_us)
  [[ $code == 200 ]] || { tail -20 "$log" >&2; die "cold start of $target: GET /healthz answered $code"; }
  # systemd-socket-activate execs the command in its own PID, so $pid is the server itself.
  stop_pid "$pid"
  if ((run > 0)); then
    printf '%s\t%s\t%s\n' "$target" "$run" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", (b-a)/1000}')" >>"$COLD"
  fi
}

if wants cold; then
  COLD_STATE=$WORK/cold-state
  mapfile -t cold_env < <(podup_env full "$COLD_STATE" @PORT@)
  cold_e=()
  for kv in "${cold_env[@]}"; do cold_e+=(-E "$kv"); done
  # bin/podup-serve is what systemd/*.service starts; it takes the startup snapshot only when it matches.
  node --input-type=module -e '
    const { snapshotState } = await import(process.argv[1] + "/server/dist/snapshot/stamp.js");
    const s = snapshotState();
    if (s.status !== "used") { console.error(s.detail + " (run: npm run build)"); process.exit(1); }' "$ROOT" ||
    die "bin/podup-serve would not use the startup snapshot"
  for ((run = 0; run <= COLD_RUNS; run++)); do
    wait_idle
    note "cold start run $run (0 = warm-up)"
    cold_once bare-node "$run" node "$ROOT/bench/bare-node-server.mjs"
    cold_once podup "$run" "${cold_e[@]}" -E PATH "$ROOT/bin/podup-serve"
    cold_once podup-cli "$run" "${cold_e[@]}" node "$ROOT/bin/podup.js" serve
  done
fi

# ---------------------------------------------------------------- report
median() { sort -g | awk '{a[NR]=$1} END{if(NR==0){print "";exit} if(NR%2){print a[(NR+1)/2]} else {printf "%.2f\n",(a[NR/2]+a[NR/2+1])/2}}'; }
col() { awk -F'\t' -v t="$1" -v c="$2" '$1==t{print $c}' "$RESULTS"; }
med_rps() { col "$1" 3 | median; }
med_p99() { col "$1" 5 | median; }
med_cold() { awk -F'\t' -v t="$1" '$1==t{print $3}' "$COLD" | median; }
flags() { col "$1" 9 | sort -u | paste -sd, -; }
# bad_flags TARGET...: the non-ok run flags of these targets, or "ok".
bad_flags() {
  local t out
  out=$(for t in "$@"; do col "$t" 9; done | grep -v '^ok$' | sort -u | paste -sd, - || true)
  echo "${out:-ok}"
}
ratio() { [[ -n $1 && -n $2 ]] && awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}' || echo "n/a"; }
# verdict RATIO OP LIMIT FLAGS
verdict() {
  [[ $1 == n/a ]] && { echo "n/a"; return; }
  if [[ ${4:-ok} == *NON-2XX* || ${4:-ok} == *SOCKET* ]]; then
    echo "INVALID (${4})"
    return
  fi
  local v
  v=$(awk -v r="$1" -v op="$2" -v l="$3" 'BEGIN{ok = (op == ">=") ? (r >= l) : (r <= l); print ok ? "PASS" : "MISS"}')
  [[ ${4:-ok} == ok ]] && echo "$v" || echo "$v (host was busy during a run)"
}

MAIN_SYNC=${SYNC_MODES[0]:-full}
BARE_RPS=$(med_rps bare-node)
HOOK_RPS=$(med_rps adnanh-webhook)

{
  echo "## Results $(date -u +%Y-%m-%d) (bench/webhook.sh)"
  echo
  echo "Run started $STARTED on $(hostname): nproc $(nproc), $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)," \
    "$(awk '/MemTotal/{printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), kernel $(uname -r)," \
    "node $(node --version), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(webhook -version), podup $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')" \
    "(server/dist fingerprint $(find "$ROOT/server/dist" -name '*.js' -type f | sort | xargs cat | sha256sum | cut -c1-12))." \
    "Load average before the run: $LOAD_BEFORE. wrk and the servers share the same cores."
  echo
  echo "Load: \`wrk -t$THREADS -c$CONNS -d$DURATION --latency\`, $BODIES different signed \`package\` (published) events" \
    "derived from tests/fixtures/github/package-published.json (one image each; $BODY_STATS), a unique" \
    "X-GitHub-Delivery per request, keep-alive. $RUNS measured run(s) per target, interleaved; the tables give the" \
    "median. podup: fresh state dir per run, stdout to a file; $(for s in "${SYNC_MODES[@]}"; do printf 'podup-%s: %s; ' "$s" "$(describe_podup "$s")"; done)" \
    "Non-2xx counted with $([[ $BENCH_STRICT_STATUS == 1 ]] && echo "wrk's Lua response() (every status outside 200-299)" || echo "wrk's status>=400 counter")."
  echo
  if [[ -s $RESULTS ]]; then
    echo "| target | req/s (median) | p99 ms (median) | runs | flags (non-2xx, socket errors, busy host) |"
    echo "|---|---:|---:|---:|---|"
    for t in bare-node bare-verify adnanh-webhook $(for s in "${SYNC_MODES[@]}"; do echo "podup-$s podup-bundle-$s base-podup-$s"; done); do
      [[ -n $(col "$t" 3) ]] || continue
      printf '| %s | %s | %s | %s | %s |\n' "$t" "$(printf '%.0f' "$(med_rps "$t")")" "$(med_p99 "$t")" \
        "$(col "$t" 3 | wc -l)" "$(flags "$t")"
    done
    echo
    echo "Per run:"
    echo
    echo "| target | run | req/s | p50 ms | p99 ms | requests | non-2xx | socket errors | CPU server / wrk / other (cores) | idle % before |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"
    sort -t$'\t' -k1,1 -k2,2n "$RESULTS" |
      awk -F'\t' '{printf "| %s | %s | %.0f | %s | %s | %s | %s | %s | %s / %s / %s | %s |\n", $1,$2,$3,$4,$5,$6,$7,$8,$11,$12,$13,$10}'
    echo
    if [[ -s $WORK/podup-db.txt ]]; then
      echo "What podup recorded (its own database after each run; 401=1 is the bad-signature preflight):"
      echo
      sed 's/^/    /' "$WORK/podup-db.txt"
      echo
    fi
  fi
  echo "### Targets"
  echo
  echo "| target | measured | limit | verdict |"
  echo "|---|---:|---:|---|"
  VERIFY_RPS=$(med_rps bare-verify)
  if [[ -n $VERIFY_RPS ]]; then
    r=$(ratio "$VERIFY_RPS" "$BARE_RPS")
    echo "| bare node:http + HMAC + JSON.parse / bare node:http, req/s: the ceiling for any verifying server (informational) | $r | | |"
  fi
  for s in "${SYNC_MODES[@]}"; do
    P=$(med_rps "podup-$s")
    [[ -n $P ]] || continue
    tag=""
    if [[ $s != "$MAIN_SYNC" ]]; then tag=" (informational)"; fi
    name="PODUP_DB_SYNC=$s"
    [[ $s == defaults ]] && name="defaults"
    r=$(ratio "$P" "$BARE_RPS")
    echo "| podup ($name) / bare node:http, req/s (informational) | $r | | |"
    if [[ -n $VERIFY_RPS ]]; then
      r=$(ratio "$P" "$VERIFY_RPS")
      echo "| podup ($name) / bare node:http + HMAC + JSON.parse, req/s$tag | $r | >= 0.5 | $(verdict "$r" '>=' 0.5 "$(bad_flags "podup-$s" bare-verify)") |"
    fi
    r=$(ratio "$P" "$HOOK_RPS")
    echo "| podup ($name) / adnanh/webhook, req/s$tag | $r | >= 1.5 | $(verdict "$r" '>=' 1.5 "$(bad_flags "podup-$s" adnanh-webhook)") |"
    B=$(med_rps "base-podup-$s")
    if [[ -n $B ]]; then
      echo "| base ($BENCH_BASE) podup ($name) / adnanh/webhook, req/s (before) | $(ratio "$B" "$HOOK_RPS") | | |"
      [[ -n $VERIFY_RPS ]] && echo "| base podup ($name) / bare node:http + HMAC + JSON.parse, req/s (before) | $(ratio "$B" "$VERIFY_RPS") | | |"
      echo "| podup / base podup ($name), req/s | $(ratio "$P" "$B") | | |"
    fi
  done
  if [[ -s $COLD ]]; then
    PC=$(med_cold podup)
    BC=$(med_cold bare-node)
    r=$(ratio "$PC" "$BC")
    echo "| podup cold start / bare node cold start (medians) | $r ($PC ms / $BC ms) | <= 2.0 | $(verdict "$r" '<=' 2.0 ok) |"
    echo
    echo "### Cold start under systemd-socket-activate"
    echo
    echo "Time from launching \`systemd-socket-activate -l 127.0.0.1:PORT --fdname=http <server>\` to the first HTTP" \
      "response of GET /healthz, polled with curl every ~2 ms (each poll is a curl process, so the resolution is a few ms)." \
      "One untimed warm-up each, then $COLD_RUNS timed runs; podup keeps its state dir between runs (an existing" \
      "database, as after a restart) with PODUP_DB_SYNC=full and PODUP_LOG_LEVEL=$LOG_LEVEL. podup is" \
      "\`bin/podup-serve\` as the systemd units start it (from the startup snapshot); podup-cli is" \
      "\`node bin/podup.js serve\` (the CLI entry, no snapshot), for comparison only."
    echo
    echo "| server | runs (ms) | median ms |"
    echo "|---|---|---:|"
    for t in bare-node podup podup-cli; do
      echo "| $t | $(awk -F'\t' -v t="$t" '$1==t{printf "%s%s", sep, $3; sep=", "}' "$COLD") | $(med_cold "$t") |"
    done
  fi
  echo
  echo "### Commands"
  echo
  echo '```sh'
  echo "# throughput (each target started fresh per run; SECRET is random per benchmark)"
  echo "node bench/gen-wrk-script.mjs tests/fixtures/github/package-published.json \$SECRET $BODIES \$WORK"
  echo "env BARE_PORT=\$PORT node bench/bare-node-server.mjs"
  echo "webhook -hooks \$WORK/hooks.json -ip 127.0.0.1 -port \$PORT        # payload-hmac-sha256 rule, /bin/true"
  echo "env PODUP_HTTP_ADDR=127.0.0.1:\$PORT PODUP_STATE_DIR=\$WORK/state PODUP_GITHUB_WEBHOOK_SECRET=\$SECRET bin/podup-serve   # podup-defaults"
  echo "env $(podup_env SYNC '$WORK/state' '$PORT' | sed 's/PODUP_GITHUB_WEBHOOK_SECRET=.*/PODUP_GITHUB_WEBHOOK_SECRET=$SECRET/; s/PODUP_DB_SYNC=SYNC/PODUP_DB_SYNC={full,normal}/' | paste -sd' ' -) bin/podup-serve"
  echo "BENCH_STRICT_STATUS=$BENCH_STRICT_STATUS wrk -t$THREADS -c$CONNS -d$DURATION --latency -s \$WORK/signed-package.lua http://127.0.0.1:\$PORT/webhooks/github   # /hooks/$HOOK_ID for webhook"
  echo "# cold start"
  echo "systemd-socket-activate -l 127.0.0.1:\$PORT --fdname=http node bench/bare-node-server.mjs"
  echo "systemd-socket-activate -l 127.0.0.1:\$PORT --fdname=http -E PODUP_STATE_DIR=... -E PODUP_GITHUB_WEBHOOK_SECRET=... -E PODUP_LOG_LEVEL=$LOG_LEVEL -E PODUP_DB_SYNC=full -E PATH bin/podup-serve   # and: node bin/podup.js serve"
  echo '```'
} >"$WORK/section.md"

cat "$WORK/section.md"

if [[ $WRITE == 1 ]]; then
  node --input-type=module -e '
    import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
    import { dirname } from "node:path";
    const [doc, sectionFile, key] = process.argv.slice(1);
    const intro = `# Benchmarks

## Webhook path

\`bench/webhook.sh\` measures what a burst of GitHub deliveries costs podup: requests per second and p99 latency for
signed \`package\` events (a unique X-GitHub-Delivery each, many different images), against two references:

* a bare \`node:http\` server that reads the body and answers 202 (bench/bare-node-server.mjs): the ceiling for Node;
* adnanh/webhook 2.8 with a payload-hmac-sha256 rule running /bin/true: the tool podup replaces.

It also measures the cold start under \`systemd-socket-activate\` (launch to first GET /healthz response) against the
bare node server. Targets: podup >= 0.6x bare node:http, >= 1.5x adnanh/webhook, cold start <= 2x bare node.

Run it with \`npm run bench:webhook\` (prints a Markdown section) or \`npm run bench:webhook -- --write\` (also replaces
today\x27s section in this file); see the header of bench/webhook.sh for the knobs (BENCH_DURATION, BENCH_RUNS, ...).

The numbers below come from a 2-core VM where wrk and the server under test share the two cores, so they are
comparable with each other, not with a dedicated load generator; absolute req/s on real hardware will differ.
`;
    const begin = `<!-- bench:webhook ${key} begin -->`;
    const end = `<!-- bench:webhook ${key} end -->`;
    const block = `${begin}\n${readFileSync(sectionFile, "utf8").trimEnd()}\n${end}\n`;
    let text = existsSync(doc) ? readFileSync(doc, "utf8") : intro;
    const i = text.indexOf(begin), j = text.indexOf(end);
    if (i >= 0 && j > i) {
      text = text.slice(0, i) + block + text.slice(j + end.length).replace(/^\n/, "");
    } else {
      const w = text.search(/^## Where the time goes/m);
      text = w >= 0 ? `${text.slice(0, w)}${block}\n${text.slice(w)}` : `${text.trimEnd()}\n\n${block}`;
    }
    mkdirSync(dirname(doc), { recursive: true });
    writeFileSync(doc, text);
    console.error(`webhook.sh: wrote the ${key} section of ${doc}`);
  ' "$DOC" "$WORK/section.md" "$(date -u +%Y-%m-%d)"
fi
