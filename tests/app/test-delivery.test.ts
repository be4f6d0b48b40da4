/**
 * "Send a test delivery" (POST /api/v1/settings/test-delivery): a ping signed with podup's secret goes to the
 * webhook URL GitHub is given; the answer says whether podup got it and, if not, what answered. The public URL
 * is served by the fake web client: forwarded into this same app (the path works), or answering as a proxy, a
 * podup with another secret, or nothing would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TestDeliveryReply } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, serveAppAt, type FakeTestApp } from '../helpers/app.js';
import { SECRET } from '../helpers/github.js';

const PUBLIC = 'https://podup.example.org';
let t: FakeTestApp;
afterEach(async () => t.close());

const send = async (headers: Record<string, string> = adminHeaders) =>
  t.app.inject({ method: 'POST', url: '/api/v1/settings/test-delivery', headers, payload: {} });

const reply = async () => {
  const res = await send();
  expect(res.statusCode).toBe(200);
  return TestDeliveryReply.parse(res.json());
};

describe('send a test delivery', () => {
  it('reaches podup through the public URL: signed like GitHub, answered with pong, in the event log', async () => {
    t = await buildFakeApp({ PODUP_PUBLIC_URL: PUBLIC });
    serveAppAt(t, PUBLIC);
    const r = await reply();
    expect(r).toMatchObject({ ok: true, status: 200, url: `${PUBLIC}/webhooks/github`, publicUrl: true });
    expect(r.message).toBe(`podup answered the signed ping at ${PUBLIC}/webhooks/github in ${r.ms} ms`);
    expect(r.delivery).toMatch(/^podup-test-[0-9a-z]{16}$/);
    const sent = t.adapters.web.requests[0]!;
    expect(sent.headers).toMatchObject({ 'x-github-event': 'ping', 'x-github-delivery': r.delivery });
    expect(sent.headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    // The secret signs the ping and is never in the answer.
    expect(JSON.stringify(r)).not.toContain(SECRET);
    const events = await t.app.inject({
      method: 'GET',
      url: `/api/v1/events?delivery=${r.delivery}`,
      headers: adminHeaders,
    });
    expect(events.json().events).toEqual([
      expect.objectContaining({ route: '/webhooks/github', status: 200, event: 'ping', outcome: 'pong' }),
    ]);
  });

  it('a podup that checks another secret: "signature mismatch", with where the secret must match', async () => {
    t = await buildFakeApp({ PODUP_PUBLIC_URL: PUBLIC });
    t.adapters.web.serve(PUBLIC, () => ({
      status: 401,
      body: JSON.stringify({ error: { code: 'SIGNATURE_INVALID', message: 'signature does not match' } }),
    }));
    const r = await reply();
    expect(r).toMatchObject({ ok: false, status: 401 });
    expect(r.message).toContain('signature mismatch');
    expect(r.hint).toContain('PODUP_GITHUB_WEBHOOK_SECRET');
  });

  it('a proxy that cannot reach podup, a page that is not podup, and nothing listening: each said as such', async () => {
    t = await buildFakeApp({ PODUP_PUBLIC_URL: PUBLIC });
    t.adapters.web.serve(PUBLIC, () => ({
      status: 502,
      contentType: 'text/html',
      body: '<h1>Bad Gateway</h1>',
    }));
    expect(await reply()).toMatchObject({
      ok: false,
      status: 502,
      message: `HTTP 502 at ${PUBLIC}/webhooks/github: the proxy answered, podup behind it did not`,
    });
    t.adapters.web.serve(PUBLIC, () => ({ status: 200, contentType: 'text/html', body: '<h1>Welcome</h1>' }));
    expect((await reply()).message).toBe(
      `HTTP 200 at ${PUBLIC}/webhooks/github, but not podup's answer to this ping`,
    );
    t.adapters.web.serve(PUBLIC, undefined);
    expect(await reply()).toMatchObject({
      ok: false,
      status: null,
      message: `nothing answered at ${PUBLIC}/webhooks/github: ECONNREFUSED`,
    });
  });

  it('without PODUP_PUBLIC_URL the URL is the one the request came in on, and the answer says so', async () => {
    t = await buildFakeApp();
    const r = await reply();
    expect(r).toMatchObject({ url: 'http://localhost:80/webhooks/github', publicUrl: false, ok: false });
  });

  it('refuses without a webhook secret (nothing to sign with), and for credentials below admin', async () => {
    t = await buildFakeApp({ PODUP_PUBLIC_URL: PUBLIC, PODUP_GITHUB_WEBHOOK_SECRET: '' });
    const res = await send();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'WEBHOOK_SECRET_MISSING' } });
    expect(t.adapters.web.requests).toHaveLength(0);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: adminHeaders,
      payload: { name: 'reader', scopes: ['read'] },
    });
    const forbidden = await send({ authorization: `Bearer ${created.json().token}` });
    expect(forbidden.statusCode).toBe(403);
  });
});
