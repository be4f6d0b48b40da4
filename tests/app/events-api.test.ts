/** GET /api/events, through the whole app on the fakes: admin auth (fail closed), filters, pagination, validation. */
import { afterEach, describe, expect, it } from 'vitest';
import { EventsPage, isDelivery } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type TestApp } from '../helpers/app.js';
import { injectEvent, packagePublished, rawFixture } from '../helpers/github.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function seeded(overrides: Record<string, string | undefined> = {}): Promise<TestApp> {
  const app = await buildFakeApp(overrides);
  for (let i = 0; i < 5; i++) {
    const body = packagePublished({ name: `app-${i}`, tag: '1', digest: `sha256:${String(i).repeat(64)}` });
    await injectEvent(app.app, 'package', body);
  }
  const ping = rawFixture('ping');
  await injectEvent(app.app, 'ping', ping);
  return app;
}

describe('admin auth', () => {
  it('refuses with 503 and a hint when no admin token is configured', async () => {
    t = await buildFakeApp({ PODUP_ADMIN_TOKEN: undefined });
    const res = await t.app.inject({ method: 'GET', url: '/api/events' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'ADMIN_AUTH_NOT_CONFIGURED' });
    expect(res.json().error.hint).toContain('PODUP_ADMIN_TOKEN');
  });

  it('is open only with PODUP_DEV_OPEN_ADMIN=1 and no token', async () => {
    t = await buildFakeApp({ PODUP_ADMIN_TOKEN: undefined, PODUP_DEV_OPEN_ADMIN: '1' });
    expect((await t.app.inject({ method: 'GET', url: '/api/events' })).statusCode).toBe(200);
  });

  it('401 without or with a wrong bearer token, 200 with the right one', async () => {
    t = await buildFakeApp();
    const none = await t.app.inject({ method: 'GET', url: '/api/events' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/api/events',
      headers: { authorization: 'Bearer nope-nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/events', headers: adminHeaders })).statusCode,
    ).toBe(200);
  });
});

describe('listing', () => {
  it('returns events newest first, shaped by the contract', async () => {
    t = await seeded();
    const res = await t.app.inject({ method: 'GET', url: '/api/events', headers: adminHeaders });
    const page = EventsPage.parse(res.json());
    expect(page.events).toHaveLength(6);
    expect(page.events[0]?.event).toBe('ping');
    expect(page.events.map((e) => e.id)).toEqual([...page.events.map((e) => e.id)].sort((a, b) => b - a));
    expect(page.nextCursor).toBeNull();
  });

  it('filters by outcome, event, image and status', async () => {
    t = await seeded();
    const get = async (q: string) =>
      EventsPage.parse(
        (await t!.app.inject({ method: 'GET', url: `/api/events?${q}`, headers: adminHeaders })).json(),
      ).events;
    expect(await get('outcome=accepted')).toHaveLength(5);
    expect(await get('event=ping')).toHaveLength(1);
    expect((await get('image=ghcr.io/acme-corp/app-3:1'))[0]?.image).toBe('ghcr.io/acme-corp/app-3:1');
    expect(await get('status=202')).toHaveLength(5);
    expect(await get('route=/webhooks/github&outcome=pong')).toHaveLength(1);
    expect(await get('since=1h&route=/webhooks/github')).toHaveLength(6);
    expect(await get(`until=${new Date(Date.now() - 3600_000).toISOString()}`)).toHaveLength(0);
  });

  it('pages with a cursor without gaps or repeats', async () => {
    t = await seeded();
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/events?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const page = EventsPage.parse(
        (await t.app.inject({ method: 'GET', url, headers: adminHeaders })).json(),
      );
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    // 6 webhook rows plus the first page's own request row (written after it was read)
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(6);
  });

  it.each([
    ['limit=0', /limit/],
    ['limit=501', /limit/],
    ['cursor=abc', /cursor/],
    ['outcome=maybe', /outcome/],
    ['since=yesterday-ish', /since/],
    ['unknown=1', /unknown|Unrecognized/i],
  ])('400 for %s', async (q, message) => {
    t = await buildFakeApp();
    const res = await t.app.inject({ method: 'GET', url: `/api/events?${q}`, headers: adminHeaders });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_QUERY');
    expect(res.json().error.message).toMatch(message);
  });

  it('names a problem with the query string as a whole "query", not "body"', async () => {
    t = await buildFakeApp();
    for (const url of ['/api/events?unknown=1', '/api/tasks?unknown=1']) {
      const res = await t.app.inject({ method: 'GET', url, headers: adminHeaders });
      expect(res.json().error).toMatchObject({
        code: 'INVALID_QUERY',
        message: 'query: Unrecognized key: "unknown"',
      });
    }
  });
});

describe('traffic=deliveries', () => {
  const list = async (query: string) =>
    EventsPage.parse(
      (
        await t!.app.inject({
          method: 'GET',
          url: `/api/events?${query.includes('limit=') ? '' : 'limit=500'}${query}`,
          headers: adminHeaders,
        })
      ).json(),
    ).events;

  it("keeps webhooks and calls that ask for something, never the panel's own or health traffic: the contract's isDelivery, in SQL", async () => {
    t = await seeded();
    const call = (
      method: 'GET' | 'POST',
      url: string,
      payload?: object,
      headers: Record<string, string> = adminHeaders,
    ) => t!.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    await call('POST', '/api/session', { token: 'not-the-admin-token' }, {});
    await call('GET', '/api/tasks/tsk_NONE');
    await call('GET', '/api/v1/tasks/tsk_NONE');
    await call('POST', '/api/v1/tasks', { units: ['nobody.service'] });
    await call('POST', '/api/tasks/tsk_NONE/stop');
    const all = await list('');
    const want = all.filter(isDelivery).map((e) => e.id);
    expect(want.length).toBeGreaterThan(5);
    expect(want.length).toBeLessThan(all.length);
    expect((await list('&traffic=deliveries')).map((e) => e.id)).toEqual(want);
    // The deliveries' own index answers for the rows copied into it, events for the rest: half, then all.
    t.podup.state.stores.events.copyFacets(Math.floor(all.length / 2));
    expect((await list('&traffic=deliveries')).map((e) => e.id)).toEqual(want);
    expect((await list('&traffic=deliveries&limit=3')).map((e) => e.id)).toEqual(want.slice(0, 3));
    // With a filter the filter index answers: for rows it has not copied yet, and once it has.
    const refused = all.filter((e) => isDelivery(e) && e.outcome === 'rejected').map((e) => e.id);
    expect(refused.length).toBeGreaterThan(0);
    expect((await list('&traffic=deliveries&outcome=rejected')).map((e) => e.id)).toEqual(refused);
    t.podup.state.stores.events.copyFacets(10_000);
    expect((await list('&traffic=deliveries&outcome=rejected')).map((e) => e.id)).toEqual(refused);
    expect((await list('&traffic=deliveries')).map((e) => e.id)).toEqual(want);
    const older = want[want.length - 2]!;
    expect((await list(`&traffic=deliveries&cursor=${older}`)).map((e) => e.id)).toEqual(want.slice(-1));
    expect((await list('&traffic=all')).map((e) => e.id)).toEqual(all.map((e) => e.id));
  });
});
