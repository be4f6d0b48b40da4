/**
 * Scoped API tokens through the whole app on the fakes: trigger and control reach only the token's units, the task and event rows name the token, revoke is
 * immediate, a bad token counts against the failed-attempt limiter while a valid one is never refused, and
 * the plain text of a token exists in its one answer only: nowhere in the state dir or the logs. (The matrix of
 * scope x route walks the OpenAPI document: api-v1.test.ts.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiTaskDetail,
  CreatedToken,
  EventsPage,
  TokensReply,
  type CreateTokenBody,
} from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';

const WEB = 'web-app.service';
const DB = 'db.service';

let t: FakeTestApp;

beforeEach(async () => {
  t = await buildFakeApp({ PODUP_RATE_LIMIT_BAD_SIGNATURE: '3/1h' });
  t.host.push('ghcr.io/acme/web-app:stable', 'web-1');
  t.host.push('ghcr.io/acme/db:stable', 'db-1');
  t.host.addUnit(WEB, 'ghcr.io/acme/web-app:stable');
  t.host.addUnit(DB, 'ghcr.io/acme/db:stable');
});
afterEach(async () => {
  await t.close();
});

async function createToken(body: CreateTokenBody): Promise<CreatedToken> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: adminHeaders,
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return CreatedToken.parse(res.json());
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every file under `dir`, as bytes. */
function filesUnder(dir: string): Array<{ path: string; bytes: Buffer }> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path) }];
  });
}

describe('creating, listing and revoking tokens', () => {
  it('answers the token once (pdp_ and 32+ random bytes); the list, the state dir and the logs never hold it', async () => {
    const created = await createToken({ name: 'ci-bot', scopes: ['trigger', 'read'], units: ['web-*'] });
    expect(created.token).toMatch(/^pdp_[A-Za-z0-9_-]{43,}$/);
    expect(created).toMatchObject({ name: 'ci-bot', scopes: ['trigger', 'read'], units: ['web-*'] });

    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: bearer(created.token) });
      expect(res.statusCode).toBe(200);
    }
    // The last use is a note written off the request's path; commit it before reading.
    t.podup.state.writes.flush();
    const list = TokensReply.parse(
      (await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: adminHeaders })).json(),
    );
    expect(list.tokens).toEqual([
      expect.objectContaining({ name: 'ci-bot', createdBy: 'bearer', lastUsedFrom: '127.0.0.1' }),
    ]);
    expect(list.tokens[0]?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list)).not.toContain(created.token);

    t.podup.state.writes.flush();
    const secret = created.token.slice(4);
    for (const { path, bytes } of filesUnder(t.stateDir)) {
      expect(bytes.includes(secret), path).toBe(false);
    }
    expect(t.logs.join('\n')).not.toContain(secret);
  });

  it('revokes a token: the next request with it is refused', async () => {
    const { token } = await createToken({ name: 'reader', scopes: ['read'] });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/tasks', headers: bearer(token) })).statusCode,
    ).toBe(200);
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/tokens/reader',
      headers: adminHeaders,
    });
    expect(revoke.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/tasks', headers: bearer(token) });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const again = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/tokens/reader',
      headers: adminHeaders,
    });
    expect(again.statusCode).toBe(404);
  });

  it('refuses an expired token, a duplicate name, a reserved name and an unknown scope', async () => {
    const { token } = await createToken({ name: 'short-lived', scopes: ['read'], expires: '1ms' });
    await new Promise((r) => setTimeout(r, 5));
    const expired = await t.app.inject({ method: 'GET', url: '/api/tasks', headers: bearer(token) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toContain('expired');

    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: adminHeaders,
      payload: { name: 'short-lived', scopes: ['read'] },
    });
    expect(dup.statusCode).toBe(409);
    for (const payload of [
      { name: 'admin', scopes: ['read'] },
      { name: 'ci bot', scopes: ['read'] },
      { name: 'x', scopes: ['root'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['trigger'], units: ['web app'] },
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        headers: adminHeaders,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});

describe('scopes', () => {
  it('lets a trigger token reach only its units: named, "all", one unit, and control of their tasks', async () => {
    const web = (
      await createToken({ name: 'web-deployer', scopes: ['trigger', 'control'], units: ['web-*'] })
    ).token;
    const post = (url: string, payload: object = {}) =>
      t.app.inject({ method: 'POST', url, headers: bearer(web), payload });

    const mine = await post('/api/v1/tasks', { units: [WEB], caller: 'deploy pipeline #7' });
    expect(mine.statusCode, mine.body).toBe(202);
    const other = await post('/api/v1/tasks', { units: [WEB, DB] });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toContain(DB);
    expect((await post(`/api/v1/units/${DB}/update`)).statusCode).toBe(403);
    // Units outside its patterns are refused before they are looked up: a 403, never a 404 that says "no such unit".
    expect((await post('/api/v1/tasks', { units: ['secret-thing'] })).statusCode).toBe(403);

    const all = await post('/api/v1/tasks', { all: true });
    expect(all.statusCode).toBe(202);
    expect(all.json().units).toEqual([WEB]);

    const dbTask = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: adminHeaders,
      payload: { units: [DB] },
    });
    expect((await post(`/api/v1/tasks/${dbTask.json().taskId}/stop`)).statusCode).toBe(403);
    const stopMine = await post(`/api/v1/tasks/${mine.json().taskId}/stop`);
    expect(stopMine.statusCode, stopMine.body).toBe(200);

    const nobody = (await createToken({ name: 'db-only', scopes: ['trigger'], units: ['nothing-*'] })).token;
    const none = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: bearer(nobody),
      payload: { all: true },
    });
    expect(none.statusCode).toBe(403);
  });

  it('records the token as who acted on the task and the event rows; the body caller stays a note', async () => {
    const { token } = await createToken({ name: 'ci-bot', scopes: ['trigger', 'control', 'read'] });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: bearer(token),
      payload: { units: [WEB], caller: 'admin', reason: 'release 1.2' },
    });
    expect(res.statusCode).toBe(202);
    const id = res.json<{ taskId: string }>().taskId;
    const stop = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tasks/${id}/stop`,
      headers: bearer(token),
    });
    expect(stop.statusCode).toBe(200);

    const task = ApiTaskDetail.parse(
      (await t.app.inject({ method: 'GET', url: `/api/v1/tasks/${id}`, headers: bearer(token) })).json(),
    );
    expect(task).toMatchObject({ actor: 'ci-bot', caller: 'admin', reason: 'release 1.2' });
    expect(task.log.map((l) => l.message).join('\n')).toContain('requested by ci-bot');

    const events = EventsPage.parse(
      (await t.app.inject({ method: 'GET', url: `/api/v1/events?task=${id}`, headers: adminHeaders })).json(),
    );
    expect(events.events.map((e) => [e.method, e.route, e.actor])).toEqual([
      ['POST', '/api/v1/tasks/:id/stop', 'ci-bot'],
      ['POST', '/api/v1/tasks', 'ci-bot'],
    ]);
    // Its successful reads are counted, not stored (domain/events/request-disposition.ts): the changes remain.
    const byActor = EventsPage.parse(
      (
        await t.app.inject({ method: 'GET', url: '/api/v1/events?actor=ci-bot', headers: adminHeaders })
      ).json(),
    );
    expect(byActor.events.map((e) => e.route)).toEqual(['/api/v1/tasks/:id/stop', '/api/v1/tasks']);
  });
});

describe('the failed-attempt limiter', () => {
  it('counts unknown tokens against the address (429 once used up) and never refuses a valid one', async () => {
    const { token } = await createToken({ name: 'reader', scopes: ['read'] });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/tasks',
        headers: bearer(`pdp_forged${i}`),
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const valid = await t.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: bearer(token) });
    expect(valid.statusCode).toBe(200);
  });
});
