// GET /api/tasks with 10,000 tasks in the state database: the task panel's list stays a bounded page per
// request. Prints median and p95 latency per query shape. Run: node bench/tasks-list.mjs (after npm run build).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const { openDatabase } = await import(join(ROOT, 'server/dist/db/database.js'));
const { createStores } = await import(join(ROOT, 'server/dist/db/stores.js'));
const { queuedTask } = await import(join(ROOT, 'server/dist/domain/tasks/task.js'));

const N = Number(process.env.BENCH_TASKS ?? 10_000);
const ROUNDS = 50;
const TOKEN = 'bench-admin-token-0123456789';
const state = mkdtempSync(join(tmpdir(), 'podup-tasks-bench-'));

const db = openDatabase({ stateDir: state, dbPath: join(state, 'podup.db'), sync: 'normal' });
const stores = createStores(db);
const statuses = ['succeeded', 'failed', 'rolled-back', 'skipped', 'cancelled'];
db.transaction(() => {
  for (let i = 0; i < N; i++) {
    const t = 1_790_000_000_000 + i * 60_000;
    const id = `tsk_B${String(i).padStart(15, '0')}`;
    stores.tasks.create(
      queuedTask({
        id,
        kind: 'image-update',
        status: statuses[i % statuses.length],
        image: `ghcr.io/acme/svc-${i % 40}:stable`,
        units: null,
        trigger: 'webhook',
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
    });
  }
})();
db.close();

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
  },
  stdio: 'ignore',
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 200; i++) {
  try {
    await fetch(`${base}/healthz`);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 25));
  }
}
const get = async (path) => {
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = await res.json();
  return { ms: performance.now() - t0, body };
};
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const deepCursor = (await get('/api/tasks?limit=200')).body.nextCursor;
const shapes = {
  'first page (limit 50)': '/api/tasks?limit=50',
  'status filter': '/api/tasks?limit=50&status=failed',
  'unit filter': '/api/tasks?limit=50&unit=svc-7.service',
  'text search q=svc-13': '/api/tasks?limit=50&q=svc-13',
  'next page (cursor)': `/api/tasks?limit=50&cursor=${deepCursor}`,
};
const lines = [`| query (${N} tasks) | median ms | p95 ms |`, '|---|---:|---:|'];
try {
  for (const [name, path] of Object.entries(shapes)) {
    const times = [];
    for (let i = 0; i < ROUNDS; i++) times.push((await get(path)).ms);
    lines.push(`| ${name} | ${q(times, 0.5).toFixed(1)} | ${q(times, 0.95).toFixed(1)} |`);
  }
} finally {
  server.kill('SIGTERM');
  rmSync(state, { recursive: true, force: true });
}
console.log(lines.join('\n'));
