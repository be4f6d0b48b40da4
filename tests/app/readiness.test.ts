/**
 * GET /readyz and the overview's health through the whole app, with the fake host's parts taken away and
 * brought back: each missing part is named with its hint, the others stay ok, and podup recovers without a
 * restart. (The same on the real test host, by stopping real parts: tests/integration/readyz.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Overview, Readiness } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';

let t: FakeTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function readyz(a: FakeTestApp): Promise<{ status: number; body: Readiness }> {
  const res = await a.app.inject({ method: 'GET', url: '/readyz' });
  return { status: res.statusCode, body: Readiness.parse(res.json()) };
}

describe('/readyz on the fakes', () => {
  it('is ready while every part answers', async () => {
    t = await buildFakeApp();
    const { status, body } = await readyz(t);
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.db.detail).toMatch(/SQLite .*writable/);
  });

  it.each([
    ['podman', 'podman', 'dbus'],
    ['systemd', 'dbus', 'podman'],
  ] as const)(
    '%s down: 503 naming the part with a hint, the rest ok; ready again once it is back',
    async (part, check, other) => {
      t = await buildFakeApp();
      t.host.down.add(part);
      const { status, body } = await readyz(t);
      expect(status).toBe(503);
      expect(body.status).toBe('not-ready');
      expect(body.checks[check].ok).toBe(false);
      expect(body.checks[check].hint).toBeTruthy();
      expect(body.checks[other].ok).toBe(true);
      expect(body.checks.db.ok).toBe(true);
      expect(body.error?.code).toBe('NOT_READY');
      expect(body.error?.message).toMatch(new RegExp(`^${check}: `));

      t.host.down.delete(part);
      expect((await readyz(t)).status).toBe(200);
    },
  );

  it('the overview reports the same health', async () => {
    t = await buildFakeApp();
    t.host.down.add('podman');
    const o = Overview.parse(
      (await t.app.inject({ method: 'GET', url: '/api/overview', headers: adminHeaders })).json(),
    );
    expect(o.health.podman.ok).toBe(false);
    expect(o.health.dbus.ok).toBe(true);
    expect(o.health.db.ok).toBe(true);
  });
});
