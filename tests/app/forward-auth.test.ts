/**
 * ForwardAuth through the whole app: the headers count only on requests straight from a PODUP_TRUST_PROXY
 * peer, a wrong value counts against the client's address like a wrong token (a right one is never refused),
 * and the user name the proxy sends is taken only when it is printable text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../server/src/contract/api.js';
import { buildFakeApp, type TestApp } from '../helpers/app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const PROXY = '10.0.0.2';
const env = {
  PODUP_ADMIN_TOKEN: undefined,
  PODUP_FORWARD_AUTH_HEADER: 'Remote-Groups',
  PODUP_FORWARD_AUTH_VALUE: 'podup-admins',
  PODUP_FORWARD_AUTH_USER_HEADER: 'Remote-User',
  PODUP_TRUST_PROXY: PROXY,
};
const admin = { 'remote-groups': 'podup-admins', 'remote-user': 'alice' };

async function app(extra: Record<string, string> = {}): Promise<TestApp> {
  t = await buildFakeApp({ ...env, ...extra });
  return t;
}

/** A request that arrives from `peer` (the proxy, unless said otherwise) with these headers. */
const get = (a: TestApp, url: string, headers: Record<string, string>, peer = PROXY) =>
  a.app.inject({ method: 'GET', url, headers, remoteAddress: peer });

describe('ForwardAuth headers', () => {
  it('are believed from the trusted proxy only: a client that reaches podup directly is nobody', async () => {
    const a = await app();
    expect((await get(a, '/api/tasks', admin)).statusCode).toBe(200);

    const direct = await get(a, '/api/tasks', admin, '192.0.2.50');
    expect(direct.statusCode).toBe(401);
    expect(direct.json().error.code).toBe('UNAUTHORIZED');
    const session = Session.parse((await get(a, '/api/session', admin, '192.0.2.50')).json());
    expect(session).toMatchObject({ authenticated: false, method: 'none', user: null });
    // Forwarded-For from a peer podup does not trust changes nothing.
    const spoofed = await get(a, '/api/tasks', { ...admin, 'x-forwarded-for': PROXY }, '192.0.2.50');
    expect(spoofed.statusCode).toBe(401);
  });

  it('a wrong value counts against the client address; the right one is never refused', async () => {
    const a = await app({ PODUP_RATE_LIMIT_BAD_SIGNATURE: '3/10m' });
    const client = (ip: string, groups: string) => ({
      ...admin,
      'remote-groups': groups,
      'x-forwarded-for': ip,
    });
    for (let i = 0; i < 3; i++) {
      const wrong = await get(a, '/api/tasks', client('198.51.100.7', `users-${i}`));
      expect(wrong.statusCode).toBe(401);
    }
    const limited = await get(a, '/api/tasks', client('198.51.100.7', 'users'));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // GET /api/session counts too, and says so once the address is limited.
    expect((await get(a, '/api/session', client('198.51.100.7', 'users'))).statusCode).toBe(429);

    // The right value from the same address still passes; another client behind the proxy is not limited.
    expect((await get(a, '/api/tasks', client('198.51.100.7', 'podup-admins'))).statusCode).toBe(200);
    expect((await get(a, '/api/tasks', client('198.51.100.8', 'users'))).statusCode).toBe(401);

    const rows = a.podup.db
      .prepare("SELECT key FROM rate_limits WHERE scope = 'bad-forward-auth' ORDER BY key")
      .pluck()
      .all();
    expect(rows).toEqual(['198.51.100.7', '198.51.100.8']);
  });

  it('a wrong value on GET /api/session answers signed out, counted, with the reason in the event log', async () => {
    const a = await app();
    const res = await get(a, '/api/session', { 'remote-groups': 'users' });
    expect(Session.parse(res.json())).toMatchObject({ authenticated: false, method: 'none' });
    a.podup.state.writes.flush();
    expect(
      a.podup.db.prepare("SELECT count(*) FROM rate_limits WHERE scope = 'bad-forward-auth'").pluck().get(),
    ).toBe(1);
    const row = a.podup.db.prepare('SELECT reason FROM events ORDER BY id DESC LIMIT 1').get() as {
      reason: string;
    };
    expect(row.reason).toMatch(/^UNAUTHORIZED: /);
  });

  it.each([
    ['a control character', 'ali\tce'],
    ['a bidi override', Buffer.from('alice\u202egnp.exe', 'utf8').toString('latin1')],
    ['invalid UTF-8', '\xff\xfe'],
    ['padding', ' alice'],
    ['more than 128 characters', 'a'.repeat(129)],
    ['nothing', ''],
  ])('refuses a user header with %s', async (_what, user) => {
    const a = await app();
    const res = await get(a, '/api/tasks', { ...admin, 'remote-user': user });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/remote-user/);
    expect(
      Session.parse((await get(a, '/api/session', { ...admin, 'remote-user': user })).json()),
    ).toMatchObject({ authenticated: false, user: null });
  });

  it('takes a printable UTF-8 user name as the actor', async () => {
    const a = await app();
    const zoe = Buffer.from('zoë.müller@example.org', 'utf8').toString('latin1');
    const s = Session.parse((await get(a, '/api/session', { ...admin, 'remote-user': zoe })).json());
    expect(s).toMatchObject({ authenticated: true, method: 'forward-auth', user: 'zoë.müller@example.org' });
    // No user header: still the admin, without a name.
    const anon = Session.parse((await get(a, '/api/session', { 'remote-groups': 'podup-admins' })).json());
    expect(anon).toMatchObject({ authenticated: true, method: 'forward-auth', user: null });
  });
});
