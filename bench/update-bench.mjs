// Orchestration overhead of podup's update path on the real test host (see bench/update.sh).
// For N units of one image: the raw way (podman pull + systemctl --user restart of each unit, timed as
// commands) against a podup task doing the same through the Podman API and D-Bus (pull once, restart, health
// gate of 1 ms, digest check, prune), timed by podup itself (task started -> finished).
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, REGISTRY, ROUNDS, sh, median, startPodup } from './lib/host.mjs';

const SIZES = (process.env.BENCH_UNITS ?? '1 4').split(/\s+/).map(Number);
const TOKEN = 'bench-admin-token-0123456789';
const run = Math.random().toString(16).slice(2, 8);

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

let version = 0;
function pushVersion(repo) {
  version++;
  const dir = mkdtempSync(join(tmpdir(), 'podup-bench-img-'));
  try {
    mkdirSync(join(dir, 'r', 'bin'), { recursive: true });
    cpSync('/bin/busybox', join(dir, 'r', 'bin', 'busybox'));
    for (const c of ['sh', 'sleep', 'test']) symlinkSync('busybox', join(dir, 'r', 'bin', c));
    writeFileSync(join(dir, 'r', 'ok'), 'ok');
    writeFileSync(join(dir, 'r', 'version'), String(version));
    sh('tar', ['-C', join(dir, 'r'), '-cf', join(dir, 'i.tar'), '.']);
    const ref = `${REGISTRY}/${repo}:stable`;
    sh('podman', ['import', '-q', '--change', 'ENV PATH=/bin', join(dir, 'i.tar'), ref]);
    sh('podman', ['push', '-q', ref]);
    sh('podman', ['rmi', '-f', ref]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeUnits(repo, n) {
  const units = [];
  for (let i = 0; i < n; i++) {
    const name = `bench-${run}-${n}-${i}`;
    writeFileSync(
      join(env.PODUP_TEST_UNIT_DIR, `${name}.service`),
      // Back-to-back restarts (raw then podup, every round) would trip systemd's default start rate limit
      // (5 starts in 10 s), which has nothing to do with what is measured.
      `[Unit]
StartLimitIntervalSec=0

[Service]
Environment=PODMAN_SYSTEMD_UNIT=%n
ExecStartPre=/bin/rm -f %t/%n.ctr-id
ExecStart=/usr/bin/podman run --cidfile=%t/%n.ctr-id --cgroups=no-conmon --rm --sdnotify=conmon -d --replace --network none --name ${name} --label io.containers.autoupdate=registry ghcr.io/${repo}:stable sh -c 'test -e /ok || exit 3; exec sleep 100000'
ExecStop=/usr/bin/podman stop --ignore -t 1 --cidfile=%t/%n.ctr-id
ExecStopPost=/usr/bin/podman rm -f --ignore -t 1 --cidfile=%t/%n.ctr-id
Type=notify
NotifyAccess=all
`,
    );
    units.push(`${name}.service`);
  }
  sh('systemctl', ['--user', 'daemon-reload']);
  sh('systemctl', ['--user', 'start', ...units]);
  return units;
}

function removeUnits(units) {
  try {
    sh('systemctl', ['--user', 'stop', ...units]);
  } catch {
    // already stopped
  }
  for (const u of units) {
    try {
      unlinkSync(join(env.PODUP_TEST_UNIT_DIR, u));
    } catch {
      // not written
    }
  }
  sh('systemctl', ['--user', 'daemon-reload']);
}

/** The raw way: what an operator's script would do; the pull and each restart timed apart. */
function rawUpdate(repo, units) {
  const t0 = process.hrtime.bigint();
  sh('podman', ['pull', '-q', `ghcr.io/${repo}:stable`]);
  const pull = ms(t0);
  let restarts = 0;
  for (const u of units) {
    const t1 = process.hrtime.bigint();
    sh('systemctl', ['--user', 'restart', u]);
    restarts += ms(t1);
  }
  return { total: ms(t0), pull, restarts };
}

async function podupUpdate(base, units) {
  const res = await fetch(`${base}/api/tasks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ units }),
  });
  const queued = await res.json();
  if (res.status !== 202) throw new Error(`POST /api/tasks: ${res.status} ${JSON.stringify(queued)}`);
  const { taskId } = queued;
  for (;;) {
    const t = await (
      await fetch(`${base}/api/tasks/${taskId}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json();
    if (!['queued', 'running'].includes(t.status)) {
      if (t.status !== 'succeeded')
        throw new Error(
          `task ${taskId} ${t.status}: ${t.summary}\n${t.log.map((l) => l.message).join('\n')}`,
        );
      const pulls = t.log.filter((l) => l.step === 'pull' && l.message.startsWith('pulled ')).length;
      const steps = {};
      for (const l of t.log) if (l.durationMs !== null) steps[l.step] = (steps[l.step] ?? 0) + l.durationMs;
      return {
        ms: Date.parse(t.finishedAt) - Date.parse(t.startedAt),
        pulls,
        steps,
        restarts: steps.restart ?? 0,
      };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const state = mkdtempSync(join(tmpdir(), 'podup-bench-state-'));
const { server, base } = await startPodup(state, { PODUP_ADMIN_TOKEN: TOKEN, PODUP_HEALTH_WINDOW: '1ms' });

const results = [];
try {
  for (const n of SIZES) {
    const repo = `acme-corp/bench-${run}-${n}`;
    pushVersion(repo);
    const units = writeUnits(repo, n);
    try {
      const raw = [];
      const podup = [];
      const overhead = [];
      let pulls = new Set();
      let steps = {};
      for (let r = 0; r < ROUNDS; r++) {
        pushVersion(repo);
        const r = rawUpdate(repo, units);
        raw.push(r.total);
        pushVersion(repo);
        const p = await podupUpdate(base, units);
        podup.push(p.ms);
        // The restarts themselves (the unit's own stop and start) are the same work both ways and dominate the
        // variance, so the overhead compares what is around them: podup's task without its restart jobs
        // against the raw pull.
        overhead.push((p.ms - p.restarts - r.pull) / n);
        pulls.add(p.pulls);
        steps = p.steps;
      }
      results.push({
        n,
        raw: median(raw),
        podup: median(podup),
        overhead: median(overhead),
        rawRuns: raw,
        podupRuns: podup,
        overheadRuns: overhead,
        pulls: [...pulls],
        steps,
      });
    } finally {
      removeUnits(units);
    }
  }
} finally {
  server.kill('SIGTERM');
  if (process.env.BENCH_KEEP) console.error(`state kept in ${state}`);
  else rmSync(state, { recursive: true, force: true });
}

const f = (x) => x.toFixed(0);
const lines = [
  `| units | raw podman pull + systemctl restart, median ms | podup task, median ms | podup overhead per unit, median ms | pulls per podup task |`,
  `|---:|---:|---:|---:|---:|`,
  ...results.map(
    (r) => `| ${r.n} | ${f(r.raw)} | ${f(r.podup)} | ${f(r.overhead)} | ${r.pulls.join(', ')} |`,
  ),
  '',
  'Overhead per unit = (podup task time - time in its restart jobs - raw `podman pull` time) / units: everything podup',
  'adds around the restarts (discovery, registry check, pull through the API instead of the CLI, leases, health gate',
  'reads, digest check, bookkeeping).',
  '',
  'Per run (ms):',
  '',
  ...results.map(
    (r) =>
      `* ${r.n} unit(s): raw ${r.rawRuns.map(f).join(', ')}; podup ${r.podupRuns.map(f).join(', ')}; overhead/unit ${r.overheadRuns.map(f).join(', ')}`,
  ),
  '',
  'Time inside the last podup task per step (ms, summed over units):',
  '',
  ...results.map(
    (r) =>
      `* ${r.n} unit(s): ${Object.entries(r.steps)
        .map(([k, v]) => `${k} ${f(v)}`)
        .join(', ')}`,
  ),
];
console.log(lines.join('\n'));
