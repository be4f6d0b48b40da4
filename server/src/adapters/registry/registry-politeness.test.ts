/**
 * RegistryClient at scale, against loopback registries: shared lookups, tokens reused per repository, a
 * concurrency limit per registry, 429 with Retry-After honoured and then given up (unknown, never up to date),
 * GET only where HEAD is not answered.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { RegistryClient } from './registry-client.js';

const D1 = `sha256:${'a'.repeat(64)}`;
let dir: string;
const servers: Server[] = [];
const clients: RegistryClient[] = [];
let seen: Array<{ method: string; path: string; auth: string | undefined; at: number }> = [];

async function registry(
  handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void,
): Promise<string> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({
      method: req.method ?? '',
      path: url.pathname,
      auth: req.headers.authorization,
      at: Date.now(),
    });
    handler(req, res, url);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(join(dir, 'registries.conf'), `[[registry]]\nlocation = "${host}"\ninsecure = true\n`);
  return host;
}

function client(limits?: ConstructorParameters<typeof RegistryClient>[2]): RegistryClient {
  const c = new RegistryClient(
    {
      registriesConf: join(dir, 'registries.conf'),
      authFile: join(dir, 'no-auth.json'),
      home: dir,
      configHome: dir,
      runtimeDir: dir,
      uid: 1000,
    },
    Date.now,
    limits,
  );
  clients.push(c);
  return c;
}

/** Bearer flow: 401 without the token, the digest with it. */
function bearer(req: IncomingMessage, res: ServerResponse, url: URL, delayMs = 0): void {
  if (url.pathname === '/token') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: 'tok', expires_in: 300 }));
    return;
  }
  if (req.headers.authorization !== 'Bearer tok') {
    res.writeHead(401, { 'www-authenticate': `Bearer realm=http://${req.headers.host}/token,service=t` });
    res.end();
    return;
  }
  setTimeout(() => {
    res.writeHead(200, { 'docker-content-digest': D1 });
    res.end();
  }, delayMs);
}

beforeEach(() => {
  seen = [];
  dir = mkdtempSync(join(tmpdir(), 'podup-polite-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(
    servers
      .splice(0)
      .map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))),
  );
  rmSync(dir, { recursive: true, force: true });
});

const manifestRequests = () => seen.filter((s) => s.path.includes('/manifests/'));

describe('a registry asked politely', () => {
  it('concurrent lookups of one image share one request', async () => {
    const host = await registry((req, res, url) => bearer(req, res, url, 50));
    const c = client();
    const all = await Promise.all(
      Array.from({ length: 10 }, () => c.digest(`${host}/acme/web:1`, { maxAgeMs: 0 })),
    );
    expect(new Set(all.map((r) => r.digest))).toEqual(new Set([D1]));
    expect(manifestRequests().filter((s) => s.auth)).toHaveLength(1);
    expect(seen.filter((s) => s.path === '/token')).toHaveLength(1);
  });

  it('the token that worked for a repository is sent straight away next time', async () => {
    const host = await registry((req, res, url) => bearer(req, res, url));
    const c = client();
    await c.digest(`${host}/acme/web:1`, { maxAgeMs: 0 });
    seen = [];
    await c.digest(`${host}/acme/web:2`, { maxAgeMs: 0 });
    expect(seen.map((s) => [s.method, s.auth])).toEqual([['HEAD', 'Bearer tok']]);
  });

  it('never more requests at once to one registry than its limit', async () => {
    let open = 0;
    let most = 0;
    const host = await registry((_req, res) => {
      open++;
      most = Math.max(most, open);
      setTimeout(() => {
        open--;
        res.writeHead(200, { 'docker-content-digest': D1 });
        res.end();
      }, 30);
    });
    const c = client({ concurrency: 3, retries: 2, maxWaitMs: 30_000, backoffMs: 100 });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => c.digest(`${host}/acme/app-${i}:1`, { maxAgeMs: 0 })),
    );
    expect(manifestRequests()).toHaveLength(12);
    expect(most).toBe(3);
  });

  it('a 429 pauses the registry for its Retry-After, then the lookup goes on', async () => {
    let refused = 0;
    const host = await registry((_req, res) => {
      if (refused++ === 0) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end();
        return;
      }
      res.writeHead(200, { 'docker-content-digest': D1 });
      res.end();
    });
    const r = await client().digest(`${host}/acme/web:1`, { maxAgeMs: 0 });
    expect(r.digest).toBe(D1);
    const [first, second] = manifestRequests();
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('a registry that keeps answering 429 gives up after the retries: unavailable, never a digest', async () => {
    const host = await registry((_req, res) => {
      res.writeHead(429);
      res.end();
    });
    const c = client({ concurrency: 4, retries: 2, maxWaitMs: 30_000, backoffMs: 100 });
    const e = await c.digest(`${host}/acme/web:1`, { maxAgeMs: 0 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('REGISTRY_UNAVAILABLE');
    expect((e as AppError).message).toMatch(/429 Too Many Requests 3 times/);
    expect(manifestRequests()).toHaveLength(3);
    // Backoff without Retry-After: 100 ms, then 200 ms.
    const gaps = manifestRequests()
      .slice(1)
      .map((s, i) => s.at - (manifestRequests()[i]?.at ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
  });

  it('a Retry-After too long to wait for gives up at once', async () => {
    const host = await registry((_req, res) => {
      res.writeHead(429, { 'retry-after': '3600' });
      res.end();
    });
    const e = await client()
      .digest(`${host}/acme/web:1`, { maxAgeMs: 0 })
      .catch((err: unknown) => err);
    expect((e as AppError).message).toMatch(/retry after 3600 s/);
    expect(manifestRequests()).toHaveLength(1);
  });

  it('GETs the manifest only when HEAD is not answered', async () => {
    const body = '{"schemaVersion":2}';
    const host = await registry((req, res) => {
      if (req.method === 'HEAD') {
        res.writeHead(405);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      res.end(body);
    });
    const r = await client().digest(`${host}/acme/web:1`, { maxAgeMs: 0 });
    expect(r.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(seen.map((s) => s.method)).toEqual(['HEAD', 'GET']);
  });
});
