// podup's full registry check against `podman auto-update --dry-run` on the same 30 units over 10 images, side by
// side in one run on the real test host (see bench/check.sh). Both tools reach the registry through a counting
// loopback proxy (a registries.conf of the bench's own mirrors ghcr.io to it), so each run's requests are
// counted by kind; nothing is updated.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  env,
  childEnv,
  REGISTRY,
  ROUNDS,
  IDLE_PCT,
  sh,
  median,
  freePort,
  waitIdle,
  startPodup,
} from './lib/host.mjs';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 10);
const PER_IMAGE = Number(process.env.BENCH_UNITS_PER_IMAGE ?? 3);
const TOKEN = 'bench-admin-token-0123456789';
const run = Math.random().toString(16).slice(2, 8);
const OWNER = 'acme-corp';
const repos = Array.from({ length: IMAGES }, (_, i) => `${OWNER}/check-bench-${run}-${i}`);

/** The registry behind a proxy that counts what each tool asks: "HEAD manifest", "GET blob", "GET /v2/" ... */
const counts = new Map();
const kind = (method, url) => {
  const path = url.split('?')[0];
  if (/^\/v2\/?$/.test(path)) return `${method} /v2/ (ping)`;
  const m = /^\/v2\/.+\/(manifests|blobs|tags)\//.exec(path);
  return m ? `${method} ${m[1].replace(/s$/, '')}` : `${method} other`;
};
const proxy = createServer((req, res) => {
  const k = kind(req.method, req.url);
  counts.set(k, (counts.get(k) ?? 0) + 1);
  const [host, port] = REGISTRY.split(':');
  const up = request({ host, port, method: req.method, path: req.url, headers: req.headers }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  up.on('error', () => res.writeHead(502).end());
  req.pipe(up);
});
const proxyPort = await freePort();
await new Promise((r) => proxy.listen(proxyPort, '127.0.0.1', r));

const state = mkdtempSync(join(tmpdir(), 'podup-check-bench-'));
const registriesConf = join(state, 'registries.conf');
writeFileSync(
  registriesConf,
  `unqualified-search-registries = []

[[registry]]
location = "127.0.0.1:${proxyPort}"
insecure = true

[[registry]]
prefix = "ghcr.io"
location = "ghcr.io"

[[registry.mirror]]
location = "127.0.0.1:${proxyPort}"
insecure = true
`,
);
const benchEnv = { ...childEnv, CONTAINERS_REGISTRIES_CONF: registriesConf };

/** A busybox image, version `version`, pushed to the registry only. */
function push(repo, version) {
  const dir = mkdtempSync(join(tmpdir(), 'podup-bench-img-'));
  try {
    mkdirSync(join(dir, 'r', 'bin'), { recursive: true });
    cpSync('/bin/busybox', join(dir, 'r', 'bin', 'busybox'));
    for (const c of ['sh', 'sleep', 'test']) symlinkSync('busybox', join(dir, 'r', 'bin', c));
    writeFileSync(join(dir, 'r', 'ok'), 'ok');
    writeFileSync(join(dir, 'r', 'version'), `${repo} ${version}`);
    sh('tar', ['-C', join(dir, 'r'), '-cf', join(dir, 'i.tar'), '.']);
    const ref = `${REGISTRY}/${repo}:stable`;
    sh('podman', ['import', '-q', '--change', 'ENV PATH=/bin', join(dir, 'i.tar'), ref]);
    sh('podman', ['push', '-q', ref]);
    sh('podman', ['rmi', '-f', ref]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The units of bench/rollout-bench.mjs: podman run --rm --replace with sd_notify, the auto-update label. */
function writeUnits() {
  const units = [];
  for (const [i, repo] of repos.entries())
    for (let j = 0; j < PER_IMAGE; j++) {
      const name = `cb-${run}-${i}-${j}`;
      writeFileSync(
        join(env.PODUP_TEST_UNIT_DIR, `${name}.service`),
        `[Unit]
StartLimitIntervalSec=0

[Service]
Environment=PODMAN_SYSTEMD_UNIT=%n
ExecStartPre=/bin/rm -f %t/%n.ctr-id
ExecStart=/usr/bin/podman run --cidfile=%t/%n.ctr-id --cgroups=no-conmon --rm --sdnotify=conmon -d --replace --network none --name ${name} --label io.containers.autoupdate=registry ghcr.io/${repo}:stable sh -c 'test -e /ok || exit 3; trap "exit 0" TERM; sleep 100000 & wait'
ExecStop=/usr/bin/podman stop --ignore -t 1 --cidfile=%t/%n.ctr-id
ExecStopPost=/usr/bin/podman rm -f --ignore -t 1 --cidfile=%t/%n.ctr-id
Type=notify
NotifyAccess=all
`,
      );
      units.push(`${name}.service`);
    }
  sh('systemctl', ['--user', 'daemon-reload']);
  // A few at a time: 30 podman runs at once on 2 cores time out their start.
  for (let i = 0; i < units.length; i += 6) sh('systemctl', ['--user', 'start', ...units.slice(i, i + 6)]);
  return units;
}

function removeUnits(units) {
  spawnSync('systemctl', ['--user', 'stop', ...units], { env: childEnv });
  for (const u of units) {
    try {
      unlinkSync(join(env.PODUP_TEST_UNIT_DIR, u));
    } catch {
      // not written
    }
  }
  spawnSync('systemctl', ['--user', 'daemon-reload'], { env: childEnv });
  for (const repo of repos) spawnSync('podman', ['rmi', '-f', `ghcr.io/${repo}:stable`], { env: childEnv });
}

/**
 * Rootful podman reaches a systemd manager only at /run/systemd/private: here, the test host's. Spawned, not
 * spawnSync: the counting proxy answers from this process's event loop.
 */
function autoUpdateDryRun() {
  const t0 = process.hrtime.bigint();
  const child = spawn(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs tmpfs /run/systemd && ln -s "${env.XDG_RUNTIME_DIR}/systemd/private" /run/systemd/private && exec podman auto-update --dry-run --format json`,
    ],
    { env: benchEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) =>
    child.on('close', (status) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (status !== 0) return reject(new Error(`podman auto-update --dry-run: ${status} ${stderr}`));
      const mine = JSON.parse(stdout).filter((u) => u.Unit.startsWith(`cb-${run}-`));
      resolve({ ms, units: mine.length, pending: mine.filter((u) => u.Updated === 'pending').length });
    }),
  );
}

async function podupCheck(base) {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/check`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = await res.json();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET /api/v1/check: ${res.status} ${JSON.stringify(body)}`);
  const mine = body.units.filter((u) => u.unit.startsWith(`cb-${run}-`));
  return { ms, units: mine.length, pending: mine.filter((u) => u.status === 'available').length };
}

const { server, base } = await startPodup(
  join(state, 'state'),
  { PODUP_ADMIN_TOKEN: TOKEN, PODUP_GITHUB_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789' },
  benchEnv,
);

const rows = [];
let units = [];
try {
  for (const repo of repos) push(repo, 1);
  // Pulled through the test host's own mirror before the units start: 30 concurrent first pulls are not the bench.
  for (const repo of repos) sh('podman', ['pull', '-q', `ghcr.io/${repo}:stable`]);
  units = writeUnits();
  // A new digest of every image, in the registry only: each tool finds 30 units with an update pending.
  for (const repo of repos) push(repo, 2);
  // One unmeasured run each: caches, the first discovery.
  await autoUpdateDryRun();
  await podupCheck(base);
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate who goes first, so that neither always meets a warmer machine.
    for (const tool of r % 2 === 0 ? ['auto-update', 'podup'] : ['podup', 'auto-update']) {
      const idle = await waitIdle();
      counts.clear();
      const result = tool === 'auto-update' ? await autoUpdateDryRun() : await podupCheck(base);
      if (result.units !== units.length || result.pending !== units.length)
        throw new Error(`${tool} saw ${result.units} units, ${result.pending} pending (of ${units.length})`);
      rows.push({ round: r + 1, tool, ms: result.ms, idle, requests: Object.fromEntries(counts) });
    }
  }
} finally {
  if (units.length) removeUnits(units);
  server.kill('SIGTERM');
  proxy.close();
  rmSync(state, { recursive: true, force: true });
}

const f = (x) => (x / 1000).toFixed(2);
const au = rows.filter((r) => r.tool === 'auto-update');
const pu = rows.filter((r) => r.tool === 'podup');
const busy = rows.filter((r) => r.idle < IDLE_PCT);
/** The requests of a tool's runs: the same every run, or each run's listed. */
const requests = (rs) => {
  const shown = rs.map((r) =>
    Object.entries(r.requests)
      .sort()
      .map(([k, n]) => `${n} ${k}`)
      .join(', '),
  );
  const total = rs.map((r) => Object.values(r.requests).reduce((a, b) => a + b, 0));
  return new Set(shown).size === 1
    ? `${total[0]} (${shown[0]})`
    : shown.map((s, i) => `${total[i]} (${s})`).join('; ');
};
const lines = [
  `${units.length} units over ${IMAGES} images (${PER_IMAGE} units each), every image with a newer digest in the registry.`,
  '',
  '| tool | median s | runs (s) | registry requests per run |',
  '|---|---:|---|---|',
  `| podman auto-update --dry-run | ${f(median(au.map((r) => r.ms)))} | ${au.map((r) => f(r.ms)).join(', ')} | ${requests(au)} |`,
  `| podup check (GET /api/v1/check) | ${f(median(pu.map((r) => r.ms)))} | ${pu.map((r) => f(r.ms)).join(', ')} | ${requests(pu)} |`,
  '',
  `**podup / podman auto-update = ${(median(pu.map((r) => r.ms)) / median(au.map((r) => r.ms))).toFixed(2)}x** (medians of ${ROUNDS} rounds).`,
  '',
  `Idle CPU before each run (%): ${rows.map((r) => `${r.tool} ${r.idle}`).join(', ')}${busy.length ? ` — ${busy.length} run(s) started on a BUSY host (< ${IDLE_PCT} % idle)` : ''}.`,
];
console.log(lines.join('\n'));
