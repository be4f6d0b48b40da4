// podup against `podman auto-update` on the same 2 units of one image, side by side in one run on the real
// test host (see bench/rollout.sh). Each round pushes a new digest and times, for each tool, "new digest ->
// both units run it": podman auto-update as one command; podup from the signed webhook to its task's end,
// minus the time inside its health gates (the health window is excluded; PODUP_HEALTH_WINDOW=1ms).
import { spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ROOT,
  env,
  childEnv,
  REGISTRY,
  ROUNDS,
  IDLE_PCT,
  sh,
  median,
  sleep,
  waitIdle,
  startPodup,
} from './lib/host.mjs';

const TOKEN = 'bench-admin-token-0123456789';
const SECRET = 'bench-webhook-secret-0123456789';
const run = Math.random().toString(16).slice(2, 8);
const OWNER = 'acme-corp';
const NAME = `rollout-bench-${run}`;
const REPO = `${OWNER}/${NAME}`;

let version = 0;
/** A new busybox image version pushed to the registry only (both tools must pull it). */
function pushVersion() {
  version++;
  const dir = mkdtempSync(join(tmpdir(), 'podup-bench-img-'));
  try {
    mkdirSync(join(dir, 'r', 'bin'), { recursive: true });
    cpSync('/bin/busybox', join(dir, 'r', 'bin', 'busybox'));
    for (const c of ['sh', 'sleep', 'test']) symlinkSync('busybox', join(dir, 'r', 'bin', c));
    writeFileSync(join(dir, 'r', 'ok'), 'ok');
    writeFileSync(join(dir, 'r', 'version'), String(version));
    sh('tar', ['-C', join(dir, 'r'), '-cf', join(dir, 'i.tar'), '.']);
    const ref = `${REGISTRY}/${REPO}:stable`;
    sh('podman', ['import', '-q', '--change', 'ENV PATH=/bin', join(dir, 'i.tar'), ref]);
    sh('podman', ['push', '-q', ref]);
    sh('podman', ['rmi', '-f', ref]);
    const head = sh('curl', [
      '-sI',
      '-H',
      'Accept: application/vnd.oci.image.manifest.v1+json',
      `http://${REGISTRY}/v2/${REPO}/manifests/stable`,
    ]);
    return /docker-content-digest:\s*(\S+)/i.exec(head)[1];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The units of tests/helpers/units.ts: podman run --rm --replace with sd_notify, stopping at once on SIGTERM. */
function writeUnits(n) {
  const units = [];
  for (let i = 0; i < n; i++) {
    const name = `rb-${run}-${i}`;
    writeFileSync(
      join(env.PODUP_TEST_UNIT_DIR, `${name}.service`),
      `[Unit]
StartLimitIntervalSec=0

[Service]
Environment=PODMAN_SYSTEMD_UNIT=%n
ExecStartPre=/bin/rm -f %t/%n.ctr-id
ExecStart=/usr/bin/podman run --cidfile=%t/%n.ctr-id --cgroups=no-conmon --rm --sdnotify=conmon -d --replace --network none --name ${name} --label io.containers.autoupdate=registry ghcr.io/${REPO}:stable sh -c 'test -e /ok || exit 3; trap "exit 0" TERM; sleep 100000 & wait'
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
  spawnSync('systemctl', ['--user', 'stop', ...units], { env: childEnv });
  for (const u of units) {
    try {
      unlinkSync(join(env.PODUP_TEST_UNIT_DIR, u));
    } catch {
      // not written
    }
  }
  sh('systemctl', ['--user', 'daemon-reload']);
}

/** Every unit runs `digest` (its container's image is known by it). */
function allRun(units, digest) {
  return units.every((u) => {
    const id = sh('podman', ['ps', '-q', '--no-trunc', '--filter', `label=PODMAN_SYSTEMD_UNIT=${u}`]).trim();
    if (!id) return false;
    const image = JSON.parse(sh('podman', ['inspect', '--format', '{{json .Image}}', id]));
    const info = JSON.parse(sh('podman', ['image', 'inspect', image]))[0];
    return [info.Digest, ...info.RepoDigests.map((d) => d.slice(d.indexOf('@') + 1))].includes(digest);
  });
}

/** Rootful podman reaches a systemd manager only at /run/systemd/private: here, the test host's. */
function autoUpdate() {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs tmpfs /run/systemd && ln -s "${env.XDG_RUNTIME_DIR}/systemd/private" /run/systemd/private && exec podman auto-update`,
    ],
    { env: childEnv, encoding: 'utf8' },
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`podman auto-update: ${r.status} ${r.stderr}`);
  return ms;
}

function webhookBody(digest) {
  const p = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/github/package-published.json'), 'utf8'));
  const pkg = p.package;
  pkg.namespace = OWNER;
  pkg.owner.login = OWNER;
  pkg.name = NAME;
  const v = pkg.package_version;
  v.version = digest;
  v.name = digest;
  v.container_metadata.tag = { name: 'stable', digest };
  v.package_url = `ghcr.io/${REPO}:stable`;
  return JSON.stringify(p);
}

async function podupUpdate(base, digest) {
  const body = webhookBody(digest);
  const t0 = performance.now();
  const res = await fetch(`${base}/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'package',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    body,
  });
  const { taskId } = await res.json();
  if (!taskId) throw new Error(`webhook answered ${res.status} without a task`);
  for (;;) {
    const t = await (
      await fetch(`${base}/api/tasks/${taskId}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json();
    if (!['queued', 'running'].includes(t.status)) {
      const wall = performance.now() - t0;
      if (t.status !== 'succeeded')
        throw new Error(
          `task ${taskId} ${t.status}: ${t.summary}\n${t.log.map((l) => l.message).join('\n')}`,
        );
      if (process.env.BENCH_TRACE) {
        const first = Date.parse(t.createdAt);
        console.error(
          `task ${taskId}: created +${Math.round(Date.parse(t.createdAt) - (Date.now() - (performance.now() - t0)))} ms after the POST`,
        );
        for (const l of t.log)
          console.error(
            `  +${Date.parse(l.time) - first} ms ${l.step} ${l.unit ?? ''} ${l.message.split('\n')[0]} ${l.durationMs ?? ''}`,
          );
      }
      const steps = {};
      for (const l of t.log) if (l.durationMs !== null) steps[l.step] = (steps[l.step] ?? 0) + l.durationMs;
      return { ms: wall - (steps.health ?? 0), wall, health: steps.health ?? 0, steps };
    }
    await sleep(10);
  }
}

const state = mkdtempSync(join(tmpdir(), 'podup-rollout-bench-'));
const { server, base } = await startPodup(state, {
  PODUP_ADMIN_TOKEN: TOKEN,
  PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
  PODUP_HEALTH_WINDOW: '1ms',
  PODUP_COALESCE_WINDOW: '0',
  PODUP_RATE_LIMIT_IMAGE: 'off',
});

const rows = [];
let units = [];
try {
  pushVersion();
  units = writeUnits(2);
  // One unmeasured round each: caches, the first discovery, podman's first auto-update.
  autoUpdate();
  await podupUpdate(base, pushVersion());
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate who goes first, so that neither always meets a warmer machine.
    for (const tool of r % 2 === 0 ? ['auto-update', 'podup'] : ['podup', 'auto-update']) {
      const digest = pushVersion();
      const idle = await waitIdle();
      if (tool === 'auto-update') {
        const ms = autoUpdate();
        if (!allRun(units, digest)) throw new Error('podman auto-update left a unit on the old digest');
        rows.push({ round: r + 1, tool, ms, idle });
      } else {
        const p = await podupUpdate(base, digest);
        if (!allRun(units, digest)) throw new Error('podup left a unit on the old digest');
        rows.push({ round: r + 1, tool, ms: p.ms, wall: p.wall, health: p.health, steps: p.steps, idle });
      }
    }
  }
} finally {
  if (units.length) removeUnits(units);
  server.kill('SIGTERM');
  rmSync(state, { recursive: true, force: true });
}

const f = (x) => (x / 1000).toFixed(2);
const au = rows.filter((r) => r.tool === 'auto-update');
const pu = rows.filter((r) => r.tool === 'podup');
const busy = rows.filter((r) => r.idle < IDLE_PCT);
const last = pu.at(-1);
const lines = [
  '| tool | median s | runs (s) |',
  '|---|---:|---|',
  `| podman auto-update | ${f(median(au.map((r) => r.ms)))} | ${au.map((r) => f(r.ms)).join(', ')} |`,
  `| podup (webhook -> task end, health gates excluded) | ${f(median(pu.map((r) => r.ms)))} | ${pu.map((r) => f(r.ms)).join(', ')} |`,
  '',
  `**podup / podman auto-update = ${(median(pu.map((r) => r.ms)) / median(au.map((r) => r.ms))).toFixed(2)}x** (medians of ${ROUNDS} rounds).`,
  '',
  `Idle CPU before each run (%): ${rows.map((r) => `${r.tool} ${r.idle}`).join(', ')}${busy.length ? ` — ${busy.length} run(s) started on a BUSY host (< ${IDLE_PCT} % idle)` : ''}.`,
  '',
  `Inside the last podup task (ms, summed over units): ${Object.entries(last?.steps ?? {})
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(', ')}; its health gates took ${Math.round(last?.health ?? 0)} ms (excluded).`,
];
console.log(lines.join('\n'));
