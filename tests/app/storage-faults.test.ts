/**
 * The state disk failing under the whole app (inject, real SQLite, the fakes), without root: a database that
 * refuses writes (query_only stands in for a read-only disk), one that is full (max_page_count stands in for
 * the disk), one deleted under podup. Each is answered 503 with its stable code, the path and the fix; what
 * was acknowledged is stored and nothing else; podup recovers by itself where the disk does.
 * (The real faults, in a podup process on a tmpfs: tests/integration/storage-faults.test.ts.)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorBody, Readiness } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { githubHeaders, packagePublished } from '../helpers/github.js';

let t: FakeTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

async function webhook(a: FakeTestApp, n: number) {
  const body = packagePublished({ name: `img-${n}`, tag: 't', digest: digest(n) });
  const headers = githubHeaders('package', body);
  const res = await a.app.inject({ method: 'POST', url: '/webhooks/github', headers, payload: body });
  return { res, delivery: headers['x-github-delivery'] ?? '' };
}

async function readyz(a: FakeTestApp): Promise<{ status: number; body: Readiness }> {
  const res = await a.app.inject({ method: 'GET', url: '/readyz' });
  return { status: res.statusCode, body: Readiness.parse(res.json()) };
}

function refusal(res: { statusCode: number; json(): unknown }, code: string) {
  expect(res.statusCode).toBe(503);
  const { error } = ErrorBody.parse(res.json());
  expect(error.code).toBe(code);
  expect(error.requestId).toBeTruthy();
  return error;
}

const faultLines = (a: FakeTestApp) =>
  a.logs.map((l) => JSON.parse(l) as { msg: string }).filter((l) => l.msg.startsWith('storage fault'));

const accepted = (a: FakeTestApp): string[] =>
  a.podup.db.prepare(`SELECT delivery FROM deliveries WHERE outcome = 'accepted'`).pluck().all() as string[];

describe('a database that refuses writes', () => {
  it('answers 503 STORAGE_READ_ONLY with the path and the fix, and takes writes again by itself', async () => {
    t = await buildFakeApp();
    expect((await webhook(t, 1)).res.statusCode).toBe(202);
    t.podup.db.pragma('query_only = ON');

    for (let n = 2; n < 12; n++) {
      const error = refusal((await webhook(t, n)).res, 'STORAGE_READ_ONLY');
      expect(error.message).toBe(`read-only: ${t.stateDir}`);
      expect(error.hint).toContain(t.stateDir);
    }
    const { status, body } = await readyz(t);
    expect(status).toBe(503);
    expect(body.checks.db).toMatchObject({ ok: false, detail: `read-only: ${t.stateDir}` });
    expect(faultLines(t)).toHaveLength(1);

    t.podup.db.pragma('query_only = OFF');
    expect((await readyz(t)).status).toBe(200);
    expect((await webhook(t, 12)).res.statusCode).toBe(202);
    expect(accepted(t)).toHaveLength(2);
  });
});

describe('a full database', () => {
  it('refuses what does not fit with 503 STORAGE_FULL and a Retry-After, and stores exactly what it acknowledged', async () => {
    t = await buildFakeApp({ PODUP_RATE_LIMIT_IMAGE: 'off' });
    const pages = t.podup.db.pragma('page_count', { simple: true }) as number;
    t.podup.db.pragma(`max_page_count = ${pages}`);

    const acked: string[] = [];
    let refused = 0;
    for (let n = 1; n <= 60; n++) {
      const { res, delivery } = await webhook(t, n);
      if (res.statusCode === 202) acked.push(delivery);
      else {
        const error = refusal(res, 'STORAGE_FULL');
        expect(error.message).toBe(`disk full: ${t.stateDir}`);
        expect(error.hint).toContain(t.stateDir);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(faultLines(t)).toHaveLength(1);
    expect(t.logs.some((l) => l.includes('"msg":"request failed"'))).toBe(false);

    t.podup.db.pragma('max_page_count = 1073741823');
    const after = await webhook(t, 61);
    expect(after.res.statusCode).toBe(202);
    expect(accepted(t).sort()).toEqual([...acked, after.delivery].sort());
  });
});

describe('a database deleted under podup', () => {
  it('answers 503 STORAGE_DELETED to writes and reads, says so in /readyz and once in the log', async () => {
    t = await buildFakeApp();
    expect((await webhook(t, 1)).res.statusCode).toBe(202);
    const dbPath = join(t.stateDir, 'podup.db');
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f);

    for (let n = 2; n < 6; n++) {
      const error = refusal((await webhook(t, n)).res, 'STORAGE_DELETED');
      expect(error.message).toBe(`database deleted: ${dbPath}`);
      expect(error.hint).toMatch(/restart podup/);
    }
    refusal(
      await t.app.inject({ method: 'GET', url: '/api/tasks', headers: adminHeaders }),
      'STORAGE_DELETED',
    );
    const { status, body } = await readyz(t);
    expect(status).toBe(503);
    expect(body.checks.db.detail).toBe(`database deleted: ${dbPath}`);
    expect(faultLines(t)).toHaveLength(1);
  });
});
