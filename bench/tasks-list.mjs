// The task panel's reads on a state database the size of an hour of abuse: 1.37 million events and 120,000 tasks
// (the defaults; BENCH_EVENTS, BENCH_TASKS change them, BENCH_EVENTS=0 BENCH_TASKS=10000 is the earlier 10,000
// tasks run). Requests go over loopback to a podup started on that state dir, as the panel sends them. Prints
// median and p95 latency per query shape (BENCH_ROUNDS requests each), then the time of a prune that removes
// every event. Run: node bench/tasks-list.mjs (after npm run build). BENCH_STATE=dir seeds that directory once
// and measures on a copy of it each run (the prune empties the copy), for repeated runs on a busy host.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const { openDatabase } = await import(join(ROOT, 'server/dist/db/database.js'));
const { createStores } = await import(join(ROOT, 'server/dist/db/stores.js'));
const { queuedTask } = await import(join(ROOT, 'server/dist/domain/tasks/task.js'));

const N = Number(process.env.BENCH_TASKS ?? 120_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_370_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const TOKEN = 'bench-admin-token-0123456789';
// A shape slower than this is reported as such instead of holding the run up for hours.
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 30_000);
const state = mkdtempSync(join(tmpdir(), 'podup-tasks-bench-'));
const dbPath = join(state, 'podup.db');
const kept = process.env.BENCH_STATE ? join(process.env.BENCH_STATE, 'podup.db') : undefined;

const HOUR = 3_600_000;
let seeded;
if (kept && existsSync(kept)) {
  copyFileSync(kept, dbPath);
  seeded = `${N} tasks and ${EVENTS} events from ${kept} (seeded before), database ${(statSync(dbPath).size / 2 ** 20).toFixed(0)} MiB`;
} else {
  seeded = seed();
  if (kept) {
    mkdirSync(process.env.BENCH_STATE, { recursive: true });
    copyFileSync(dbPath, kept);
  }
}

function seed() {
  // Everything happened in the hour before now, so every row counts for the overview's last 24 hours.
  const NOW = Date.now();
  const t0 = performance.now();
  const db = openDatabase({ stateDir: state, dbPath, sync: 'normal' });
  const { stores } = createStores(db);
  const statuses = ['succeeded', 'failed', 'rolled-back', 'skipped', 'cancelled'];
  const kinds = ['image-update', 'image-update', 'image-update', 'unit-update'];
  const triggers = ['webhook', 'webhook', 'webhook', 'api', 'retry'];
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const t = NOW - HOUR + Math.floor((i * HOUR) / N);
      const id = `tsk_B${String(i).padStart(15, '0')}`;
      stores.tasks.create(
        queuedTask({
          id,
          kind: kinds[i % kinds.length],
          status: statuses[i % statuses.length],
          image: `ghcr.io/acme/svc-${i % 40}:stable`,
          units: null,
          trigger: triggers[i % triggers.length],
          delivery: `d-${i}`,
          caller: 'github',
          reason: `package published ${i}`,
          createdAt: t,
          updatedAt: t,
          startedAt: t,
          finishedAt: t + 5000,
          notBefore: null,
        }),
      );
      stores.journals.upsertUnit(id, `svc-${i % 40}.service`, {
        status: 'succeeded',
        image: `ghcr.io/acme/svc-${i % 40}:stable`,
        finishedAt: t + 5000,
      });
    }
    // An hour of abuse: mostly health probes, unknown paths and forged signatures, and the real deliveries
    // among them (1 in 2,000), each image 1 in 40 of those.
    const row = {
      requestId: '',
      route: '',
      method: 'GET',
      status: 200,
      delivery: null,
      event: null,
      action: null,
      image: null,
      outcome: 'ok',
      reason: null,
      taskId: null,
      source: null,
      actor: null,
      durationMs: 0.4,
    };
    for (let i = 0; i < EVENTS; i++) {
      const kind = i % 2000 === 0 ? 'delivery' : i % 10 < 6 ? 'health' : i % 10 < 8 ? 'unknown' : 'forged';
      const source = `198.51.${(i >> 8) & 255}.${i & 255}`;
      const base = { ...row, ts: NOW - HOUR + Math.floor((i * HOUR) / EVENTS), requestId: `r-${i}`, source };
      if (kind === 'health') stores.events.insert({ ...base, route: '/healthz' });
      else if (kind === 'unknown')
        stores.events.insert({ ...base, route: `/wp-login-${i}.php`, status: 404, outcome: 'rejected' });
      else if (kind === 'forged')
        stores.events.insert({
          ...base,
          route: '/webhooks/github',
          method: 'POST',
          status: 401,
          outcome: 'rejected',
          reason: 'SIGNATURE_INVALID',
        });
      else
        stores.events.insert({
          ...base,
          route: '/webhooks/github',
          method: 'POST',
          status: 202,
          outcome: 'accepted',
          delivery: `d-${i}`,
          event: 'package',
          action: 'published',
          image: `ghcr.io/acme/svc-${Math.floor(i / 2000) % 40}:stable`,
          taskId: `tsk_B${String(i % N).padStart(15, '0')}`,
        });
    }
    // As the server's housekeeping leaves them a few seconds later: filter index and counts caught up.
    stores.events.copyFacets(EVENTS);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return `${N} tasks and ${EVENTS} events seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s, database ${(statSync(dbPath).size / 2 ** 20).toFixed(0)} MiB`;
}

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const server = spawn(process.execPath, [join(ROOT, 'bin/podup.js'), 'serve'], {
  env: {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PODUP_STATE_DIR: state,
    PODUP_HTTP_ADDR: `127.0.0.1:${port}`,
    PODUP_ADMIN_TOKEN: TOKEN,
    PODUP_LOG_LEVEL: 'warn',
    PODUP_QUADLET_DIRS: state,
    // Nothing answers here: the overview's probes fail at once instead of timing out.
    PODUP_PODMAN_SOCKET: join(state, 'no-podman.sock'),
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(state, 'no-bus')}`,
    PODUP_SYSTEMD_SCOPE: 'user',
    // Above the seeded size: at the default cap the server would start shedding the seeded events while measured.
    PODUP_MAX_DB_SIZE: '4GiB',
  },
  stdio: 'ignore',
});
const base = `http://127.0.0.1:${port}`;
async function waitUntilServing(tries) {
  for (let i = 0; i < tries; i++) {
    if (server.exitCode !== null)
      throw new Error(`podup serve exited with ${server.exitCode} (run it on ${state} to see why)`);
    try {
      await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
await waitUntilServing(2000);
const call = async (path, init = {}) => {
  const t = performance.now();
  const res = await fetch(`${base}${path}`, {
    signal: AbortSignal.timeout(TIMEOUT_MS),
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - t, body };
};
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const taskCursor = N > 0 ? (await call('/api/tasks?limit=200')).body.nextCursor : undefined;
const eventCursor = EVENTS > 0 ? (await call('/api/events?limit=500')).body.nextCursor : undefined;
// The middle of the seeded hour: half the log is before it, half after.
const reader = openDatabase({ stateDir: state, dbPath, readonly: true });
const span = reader.prepare('SELECT min(ts) AS first, max(ts) AS last FROM events').get();
reader.close();
const hourAgo = new Date(Math.round((span.first + span.last) / 2) || Date.now() - HOUR / 2).toISOString();
const shapes = {
  'tasks: first page (limit 50)': '/api/tasks?limit=50',
  'tasks: status filter': '/api/tasks?limit=50&status=failed',
  'tasks: unit filter': '/api/tasks?limit=50&unit=svc-7.service',
  'tasks: image filter': '/api/tasks?limit=50&image=ghcr.io/acme/svc-7:stable',
  'tasks: kind filter (rare)': '/api/tasks?limit=50&kind=unit-update',
  'tasks: trigger filter': '/api/tasks?limit=50&trigger=retry',
  'tasks: text search q=svc-13': '/api/tasks?limit=50&q=svc-13',
  'tasks: text search q=published 11999 (rare)': '/api/tasks?limit=50&q=published%2011999',
  'tasks: text search q=B0000000000421 (one id)': '/api/tasks?limit=50&q=B0000000000421',
  'tasks: text search q=acme (every task)': '/api/tasks?limit=50&q=acme',
  'tasks: text search q=nothing-matches': '/api/tasks?limit=50&q=nothing-matches',
  'tasks: next page (cursor)': `/api/tasks?limit=50&cursor=${taskCursor}`,
  'tasks: status filter, next page': `/api/tasks?limit=50&status=failed&cursor=${taskCursor}`,
  'events: first page (limit 100)': '/api/events',
  "events: deliveries only (the panel's default)": '/api/events?traffic=deliveries',
  'events: deliveries only, outcome=accepted': '/api/events?traffic=deliveries&outcome=accepted',
  'events: outcome=accepted': '/api/events?outcome=accepted',
  'events: image': '/api/events?image=ghcr.io/acme/svc-7:stable',
  'events: event=package': '/api/events?event=package',
  'events: route': '/api/events?route=/webhooks/github',
  'events: status=202': '/api/events?status=202',
  'events: delivery': '/api/events?delivery=d-4000',
  'events: task': '/api/events?task=tsk_B000000000004000',
  'events: since (the newer half)': `/api/events?since=${encodeURIComponent(hourAgo)}`,
  'events: until (the older half)': `/api/events?until=${encodeURIComponent(hourAgo)}`,
  'events: outcome=accepted, next page': `/api/events?outcome=accepted&cursor=${eventCursor}`,
  'overview (the panel polls it)': '/api/overview',
};
// BENCH_SHAPES=regex measures only the shapes whose name matches (e.g. to leave out one a build cannot answer).
const only = process.env.BENCH_SHAPES ? new RegExp(process.env.BENCH_SHAPES) : undefined;
for (const name of Object.keys(shapes)) if (only && !only.test(name)) delete shapes[name];
const lines = [`| query (${N} tasks, ${EVENTS} events) | median ms | p95 ms |`, '|---|---:|---:|'];
let pruneLine;
try {
  // One untimed pass: the server of a panel in use has the pages it reads in memory.
  for (const path of Object.values(shapes)) await call(path);
  for (const [name, path] of Object.entries(shapes)) {
    const times = [];
    try {
      for (let i = 0; i < ROUNDS; i++) times.push((await call(path)).ms);
      lines.push(`| ${name} | ${q(times, 0.5).toFixed(1)} | ${q(times, 0.95).toFixed(1)} |`);
    } catch (e) {
      if (e.name !== 'TimeoutError') throw e;
      lines.push(`| ${name} | > ${TIMEOUT_MS} (timed out) | |`);
      // The server still works on it (SQLite is synchronous): the next shape must not wait behind it.
      await waitUntilServing(Infinity);
    }
  }
  const pruned = await call('/api/maintenance/prune', {
    method: 'POST',
    body: JSON.stringify({ olderThan: '1ms' }),
  });
  pruneLine =
    `prune of every event (POST /api/maintenance/prune olderThan=1ms, VACUUM included): ` +
    `${(pruned.ms / 1000).toFixed(2)} s, ${pruned.body.removed.events} events removed, ` +
    `${(pruned.body.bytesBefore / 2 ** 20).toFixed(0)} -> ${(pruned.body.bytesAfter / 2 ** 20).toFixed(0)} MiB`;
} finally {
  if (server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  rmSync(state, { recursive: true, force: true });
}
console.log(`${seeded}\n\n${lines.join('\n')}\n\n${pruneLine}`);
