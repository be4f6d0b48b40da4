/**
 * Nobody can grow the event log without a credential: health probes, the panel's files and its polling reads
 * are counted per route, status and minute; refusals fold into one row per source, route, status and minute
 * with a count; every outcome the webhook intake decides and every admin change is still one row each.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventsPage } from '../../server/src/contract/api.js';
import { MAX_FOLDS_PER_MINUTE } from '../../server/src/domain/events/rejection-folds.js';
import { adminHeaders, buildFakeApp, type TestApp } from '../helpers/app.js';
import { ADMIN_TOKEN, githubHeaders, packagePublished, rawFixture, sign } from '../helpers/github.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildFakeApp();
});
afterEach(async () => {
  await t.close();
});

/**
 * Commits what waits, as the housekeeping flush does: rows of reads join the next batch (a folded row learns
 * its id once that commits), counts wait in memory.
 */
async function settle(): Promise<void> {
  t.podup.state.writes.flush();
  await t.podup.state.durable();
  const flushed = t.podup.services.audit.flush();
  t.podup.state.writes.flush();
  await flushed;
}

const rows = async () => {
  await settle();
  return t.podup.db.prepare('SELECT * FROM events ORDER BY id').all() as Array<Record<string, unknown>>;
};

const counted = async (route: string): Promise<number> => {
  await settle();
  return t.podup.db
    .prepare('SELECT coalesce(sum(count), 0) FROM request_counts WHERE route = ?')
    .pluck()
    .get(route) as number;
};

const post = (body: Buffer, headers: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/webhooks/github', headers, payload: body });

describe('counted, not stored', () => {
  it('health probes, the panel and its polling reads leave counts and no rows', async () => {
    for (let i = 0; i < 300; i++)
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    for (let i = 0; i < 20; i++) {
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/overview', headers: adminHeaders })).statusCode,
      ).toBe(200);
      expect(
        (await t.app.inject({ method: 'GET', url: '/api/events', headers: adminHeaders })).statusCode,
      ).toBe(200);
    }
    expect(await rows()).toEqual([]);
    expect(await counted('/healthz')).toBe(300);
    expect(await counted('/api/overview')).toBe(20);
    expect(await counted('/api/events')).toBe(20);
  });
});

describe('refusals, folded', () => {
  it('a flood of forged signatures from one address is a row per status and minute, with its count', async () => {
    const body = packagePublished({ tag: 'v1', digest: `sha256:${'c'.repeat(64)}` });
    const forged = githubHeaders('package', body, { 'x-hub-signature-256': sign(body, 'wrong-secret') });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await post(body, forged)).statusCode);
    // 10 failures per 10 minutes, then the address is answered 429.
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(190);

    const log = await rows();
    // One row per status, or two should the run cross a minute.
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.length).toBeLessThanOrEqual(4);
    const sum = (status: number) =>
      log.filter((r) => r.status === status).reduce((n, r) => n + (r.count as number), 0);
    expect(sum(401)).toBe(10);
    expect(sum(429)).toBe(190);
    expect(log[0]).toMatchObject({ route: '/webhooks/github', source: '127.0.0.1', outcome: 'rejected' });
    expect(String(log[0]?.reason)).toMatch(/^SIGNATURE_INVALID/);
    expect(t.podup.db.prepare('SELECT count(*) FROM rate_limits').pluck().get()).toBe(1);
  });

  it('the API shows a folded row with its count', async () => {
    for (let i = 0; i < 5; i++) await t.app.inject({ method: 'GET', url: '/api/tasks' });
    await settle();
    const page = EventsPage.parse(
      (await t.app.inject({ method: 'GET', url: '/api/events?status=401', headers: adminHeaders })).json(),
    );
    expect(page.events.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(5);
    expect(page.events.length).toBeLessThanOrEqual(2);
  });

  it('random paths from many addresses: at most MAX_FOLDS_PER_MINUTE rows a minute and one for the rest', async () => {
    const n = MAX_FOLDS_PER_MINUTE + 150;
    for (let i = 0; i < n; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/nope-${i}`,
        remoteAddress: `198.51.100.${i % 200}`,
      });
      expect(res.statusCode).toBe(404);
    }
    const log = await rows();
    expect(log.reduce((sum, r) => sum + (r.count as number), 0)).toBe(n);
    // One minute: the bound plus the overflow row; two minutes at most twice that.
    expect(log.length).toBeLessThanOrEqual(2 * (MAX_FOLDS_PER_MINUTE + 1));
    expect(log.some((r) => r.route === '(many)' && r.source === '(many)')).toBe(true);
  });
});

describe('still one row each', () => {
  it('every delivery the intake decides, duplicates included', async () => {
    const body = packagePublished({ tag: 'v1', digest: `sha256:${'d'.repeat(64)}` });
    const headers = githubHeaders('package', body);
    for (let i = 0; i < 30; i++) expect((await post(body, headers)).statusCode).toBe(i === 0 ? 202 : 200);
    const ping = rawFixture('ping');
    for (let i = 0; i < 5; i++) await post(ping, githubHeaders('ping', ping));
    const log = await rows();
    expect(log.map((r) => r.outcome)).toEqual([
      'accepted',
      ...Array(29).fill('duplicate'),
      ...Array(5).fill('pong'),
    ]);
    expect(log.every((r) => r.count === null)).toBe(true);
  });

  it('admin changes: a sign-in and a sign-out', async () => {
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { token: ADMIN_TOKEN },
    });
    expect(signIn.statusCode).toBe(200);
    const log = await rows();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ route: '/api/session', method: 'POST', status: 200, count: null });
  });
});
