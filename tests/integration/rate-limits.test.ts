/**
 * Rate limits live in SQLite, so they hold across restarts of the process (socket activation restarts
 * podup whenever it idles out). These tests run the real `podup serve` process and restart it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET, githubHeaders, packagePublished, sign } from '../helpers/github.js';
import { startServer, type ServerProc } from '../helpers/server-process.js';

let stateDir: string;
let server: ServerProc | undefined;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-rl-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  ...hostEnv(),
  PODUP_STATE_DIR: stateDir,
  PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
  PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
  ...extra,
});

async function send(body: Buffer, headers: Record<string, string>): Promise<Response> {
  if (!server) throw new Error('no server');
  return fetch(`${server.url}/webhooks/github`, { method: 'POST', headers, body });
}

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

describe('per-image rate limit', () => {
  it('answers 429 with Retry-After past the limit, and still after a restart', async () => {
    server = await startServer(env({ PODUP_RATE_LIMIT_IMAGE: '3/1h' }));
    for (let i = 1; i <= 3; i++) {
      const body = packagePublished({ tag: `v${i}`, digest: digest(i) });
      expect((await send(body, githubHeaders('package', body))).status).toBe(202);
    }
    const fourth = packagePublished({ tag: 'v4', digest: digest(4) });
    const limited = await send(fourth, githubHeaders('package', fourth));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    // 3 per hour: the next slot opens 20 minutes after the first hit
    expect(retryAfter).toBeGreaterThan(1100);
    expect(retryAfter).toBeLessThanOrEqual(1200);
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });

    // Another image is not affected.
    const other = packagePublished({ name: 'other-app', tag: 'v1', digest: digest(9) });
    expect((await send(other, githubHeaders('package', other))).status).toBe(202);

    expect(await server.stop()).toBe(0);
    server = await startServer(env({ PODUP_RATE_LIMIT_IMAGE: '3/1h' }));
    const again = await send(fourth, githubHeaders('package', fourth));
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(retryAfter);
  });

  it('a delivery refused by the limit is evaluated again when GitHub redelivers it', async () => {
    server = await startServer(env({ PODUP_RATE_LIMIT_IMAGE: '1/2s' }));
    const a = packagePublished({ tag: 'a', digest: digest(1) });
    expect((await send(a, githubHeaders('package', a))).status).toBe(202);
    const b = packagePublished({ tag: 'b', digest: digest(2) });
    const headers = githubHeaders('package', b);
    expect((await send(b, headers)).status).toBe(429);
    await new Promise((r) => setTimeout(r, 2100));
    const redelivered = await send(b, headers);
    expect(redelivered.status).toBe(202);
  });
});

describe('failed signatures per source address', () => {
  it('slows an address that keeps failing, across a restart, but never refuses a correctly signed delivery', async () => {
    // Behind a reverse proxy without PODUP_TRUST_PROXY every request has the proxy's address: forged requests
    // must not lock GitHub out (GitHub does not redeliver by itself).
    server = await startServer(env({ PODUP_RATE_LIMIT_BAD_SIGNATURE: '3/10m' }));
    const body = packagePublished({ tag: 'x', digest: digest(7) });
    const forged = () =>
      send(body, githubHeaders('package', body, { 'x-hub-signature-256': sign(body, 'guess') }));
    for (let i = 0; i < 3; i++) expect((await forged()).status).toBe(401);
    const slowed = await forged();
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await send(body, githubHeaders('package', body))).status).toBe(202);

    expect(await server.stop()).toBe(0);
    server = await startServer(env({ PODUP_RATE_LIMIT_BAD_SIGNATURE: '3/10m' }));
    expect((await forged()).status).toBe(429);
    const again = packagePublished({ tag: 'y', digest: digest(8) });
    expect((await send(again, githubHeaders('package', again))).status).toBe(202);
  });

  it('wrong admin tokens count against the address too; the right token still passes', async () => {
    server = await startServer(env({ PODUP_RATE_LIMIT_BAD_SIGNATURE: '2/10m' }));
    const get = (token: string) =>
      fetch(`${server?.url}/api/events`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get('wrong-token-wrong-token')).status).toBe(401);
    expect((await get('wrong-token-wrong-token')).status).toBe(401);
    expect((await get('wrong-token-wrong-token')).status).toBe(429);
    expect((await get(ADMIN_TOKEN)).status).toBe(200);
  });
});
