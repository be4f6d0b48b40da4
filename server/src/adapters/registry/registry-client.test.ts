import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainersPaths } from '../../config.js';
import { AppError } from '../../errors.js';
import { MANIFEST_ACCEPT, parseChallenge, RegistryClient } from './registry-client.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;
const D3 = `sha256:${'c'.repeat(64)}`;

interface Seen {
  server: string;
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  accept: string | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

/** Every request any test server saw, in arrival order. */
let seen: Seen[] = [];
const servers: Server[] = [];
let dir: string;
const clients: RegistryClient[] = [];

/** A registry on 127.0.0.1 with an OS-chosen port; `name` labels its requests in `seen`. */
async function startServer(name: string, handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push({
      server: name,
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      accept: req.headers.accept,
    });
    handler(req, res, url);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function paths(p: Partial<ContainersPaths> = {}): ContainersPaths {
  return {
    registriesConf: join(dir, 'registries.conf'),
    // Never the user's real auth.json.
    authFile: join(dir, 'no-auth.json'),
    home: dir,
    configHome: dir,
    runtimeDir: dir,
    uid: 1000,
    ...p,
  };
}

/** registries.conf declaring the hosts insecure (plain http). */
function insecureConf(...hosts: string[]): void {
  writeFileSync(
    join(dir, 'registries.conf'),
    hosts.map((h) => `[[registry]]\nlocation = "${h}"\ninsecure = true\n`).join('\n'),
  );
}

function client(p: ContainersPaths = paths(), now?: () => number): RegistryClient {
  const c = new RegistryClient(p, now);
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a rejection');
}

const manifests = (s: Seen) => s.path.includes('/manifests/');

beforeEach(() => {
  seen = [];
  dir = mkdtempSync(join(tmpdir(), 'podup-registry-test-'));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
});

describe('parseChallenge', () => {
  it('parses a quoted Bearer challenge', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/nginx:pull',
      },
    });
  });

  it('parses unquoted values, spaces after commas, and lower-cases names', () => {
    expect(
      parseChallenge(
        'Bearer Realm=http://127.0.0.1:5000/token, Service=reg,scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'http://127.0.0.1:5000/token', service: 'reg', scope: 'repository:a/b:pull,push' },
    });
  });

  it('parses Basic challenges', () => {
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({
      scheme: 'basic',
      params: { realm: 'Registry Realm' },
    });
    expect(parseChallenge('Basic')).toEqual({ scheme: 'basic', params: {} });
  });

  it('returns undefined for an empty header', () => {
    expect(parseChallenge('')).toBeUndefined();
    expect(parseChallenge('   ')).toBeUndefined();
  });
});

describe('RegistryClient.digest against a loopback registry', () => {
  it('answers the anonymous bearer flow: 401 -> token -> HEAD with the token', async () => {
    const host = await startServer('registry', (req, res, url) => {
      if (url.pathname === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: 'tok-anon', expires_in: 300 }));
        return;
      }
      if (req.headers.authorization !== 'Bearer tok-anon') {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm=http://${req.headers.host}/token,service=registry.test,scope=repository:acme/web:pull`,
        });
        res.end();
        return;
      }
      res.writeHead(200, {
        'docker-content-digest': D1,
        'content-type': 'application/vnd.oci.image.index.v1+json',
      });
      res.end();
    });
    insecureConf(host);

    const r = await client().digest(`${host}/acme/web:stable`);

    expect(r).toEqual({ digest: D1, endpoint: `${host}/acme/web` });
    expect(seen.map((s) => [s.method, s.path, s.authorization])).toEqual([
      ['HEAD', '/v2/acme/web/manifests/stable', undefined],
      ['GET', '/token', undefined],
      ['HEAD', '/v2/acme/web/manifests/stable', 'Bearer tok-anon'],
    ]);
    expect(seen[1]?.query).toEqual({ service: 'registry.test', scope: 'repository:acme/web:pull' });
    expect(seen[0]?.accept).toBe(MANIFEST_ACCEPT);
    for (const t of [
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]) {
      expect(seen[2]?.accept).toContain(t);
    }
  });

  it('sends auth.json credentials as Basic to the token endpoint', async () => {
    const host = await startServer('registry', (req, res, url) => {
      if (url.pathname === '/token') {
        const mine = req.headers.authorization === basic('alice', 's3cret');
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(mine ? { access_token: 'tok-alice' } : { token: 'tok-anon' }));
        return;
      }
      if (req.headers.authorization !== 'Bearer tok-alice') {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="http://${req.headers.host}/token",service="registry.test",scope="repository:acme/private:pull"`,
        });
        res.end();
        return;
      }
      res.writeHead(200, { 'docker-content-digest': D2 });
      res.end();
    });
    insecureConf(host);
    const authFile = join(dir, 'auth.json');
    writeFileSync(
      authFile,
      JSON.stringify({ auths: { [host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }),
    );

    const r = await client(paths({ authFile })).digest(`${host}/acme/private:1.0`);

    expect(r.digest).toBe(D2);
    const token = seen.find((s) => s.path === '/token');
    expect(token?.authorization).toBe(basic('alice', 's3cret'));
    expect(seen.filter(manifests).at(-1)?.authorization).toBe('Bearer tok-alice');
  });

  it('uses the most specific auth.json entry (host/namespace over host)', async () => {
    const host = await startServer('registry', (req, res) => {
      if (req.headers.authorization === basic('team', 'pw-team')) {
        res.writeHead(200, { 'docker-content-digest': D3 });
        res.end();
        return;
      }
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' });
      res.end();
    });
    insecureConf(host);
    const authFile = join(dir, 'auth.json');
    writeFileSync(
      authFile,
      JSON.stringify({
        auths: {
          [host]: { username: 'everyone', password: 'pw-host' },
          [`${host}/acme`]: { username: 'team', password: 'pw-team' },
        },
      }),
    );
    const r = await client(paths({ authFile })).digest(`${host}/acme/web:stable`);
    expect(r.digest).toBe(D3);
  });

  it('answers a Basic challenge with auth.json credentials', async () => {
    const host = await startServer('registry', (req, res) => {
      if (req.headers.authorization === basic('bob', 'pw:with:colons')) {
        res.writeHead(200, { 'docker-content-digest': D1 });
        res.end();
        return;
      }
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' });
      res.end();
    });
    insecureConf(host);
    const authFile = join(dir, 'auth.json');
    writeFileSync(
      authFile,
      JSON.stringify({ auths: { [host]: { auth: Buffer.from('bob:pw:with:colons').toString('base64') } } }),
    );

    const r = await client(paths({ authFile })).digest(`${host}/acme/web:stable`);

    expect(r.digest).toBe(D1);
    expect(seen.map((s) => [s.method, s.authorization])).toEqual([
      ['HEAD', undefined],
      ['HEAD', basic('bob', 'pw:with:colons')],
    ]);
  });

  it('a Basic challenge without credentials says to log in', async () => {
    const host = await startServer('registry', (_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' });
      res.end();
    });
    insecureConf(host);
    const err = await failure(client().digest(`${host}/acme/web:stable`));
    expect(err.code).toBe('REGISTRY_DENIED');
    expect(err.message).toContain(`requires credentials; add them with podman login ${host}`);
    expect(seen).toHaveLength(1);
  });

  it('credentials refused after the challenge -> refused access', async () => {
    const host = await startServer('registry', (_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' });
      res.end();
    });
    insecureConf(host);
    const authFile = join(dir, 'auth.json');
    writeFileSync(authFile, JSON.stringify({ auths: { [host]: { username: 'bob', password: 'wrong' } } }));
    const err = await failure(client(paths({ authFile })).digest(`${host}/acme/web:stable`));
    expect(err.code).toBe('REGISTRY_DENIED');
    expect(err.message).toContain('refused access to acme/web (401)');
  });

  it('without Docker-Content-Digest on HEAD, GETs the manifest and hashes its bytes', async () => {
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D2, size: 1234 }],
      }),
    );
    const host = await startServer('registry', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
      res.end(req.method === 'GET' ? manifest : undefined);
    });
    insecureConf(host);

    const r = await client().digest(`${host}/acme/web:stable`);

    expect(r.digest).toBe(`sha256:${createHash('sha256').update(manifest).digest('hex')}`);
    expect(seen.map((s) => s.method)).toEqual(['HEAD', 'GET']);
    expect(seen[1]?.accept).toBe(MANIFEST_ACCEPT);
  });

  it('caches an answer for 10 s unless asked with maxAgeMs 0', async () => {
    let digest = D1;
    const host = await startServer('registry', (_req, res) => {
      res.writeHead(200, { 'docker-content-digest': digest });
      res.end();
    });
    insecureConf(host);
    let now = 1_700_000_000_000;
    const c = client(paths(), () => now);
    const ref = `${host}/acme/web:stable`;

    expect((await c.digest(ref)).digest).toBe(D1);
    digest = D2;
    now += 5_000;
    expect((await c.digest(ref)).digest).toBe(D1);
    expect(seen.filter(manifests)).toHaveLength(1);

    expect((await c.digest(ref, { maxAgeMs: 0 })).digest).toBe(D2);
    expect(seen.filter(manifests)).toHaveLength(2);

    digest = D3;
    now += 9_000;
    expect((await c.digest(ref)).digest).toBe(D2);
    now += 1_001;
    expect((await c.digest(ref)).digest).toBe(D3);
    expect(seen.filter(manifests)).toHaveLength(3);
  });

  it('caches per reference', async () => {
    const host = await startServer('registry', (_req, res, url) => {
      res.writeHead(200, { 'docker-content-digest': url.pathname.endsWith('/stable') ? D1 : D2 });
      res.end();
    });
    insecureConf(host);
    const c = client();
    expect((await c.digest(`${host}/acme/web:stable`)).digest).toBe(D1);
    expect((await c.digest(`${host}/acme/web:canary`)).digest).toBe(D2);
    expect(seen.filter(manifests).map((s) => s.path)).toEqual([
      '/v2/acme/web/manifests/stable',
      '/v2/acme/web/manifests/canary',
    ]);
  });

  it('404 -> IMAGE_NOT_FOUND, saying manifest unknown', async () => {
    const host = await startServer('registry', (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end();
    });
    insecureConf(host);
    const err = await failure(client().digest(`${host}/acme/web:nope`));
    expect(err.code).toBe('IMAGE_NOT_FOUND');
    expect(err.message).toContain('manifest unknown');
    expect(err.message).toContain(`${host}/acme/web`);
    expect(err.hint).toBeTruthy();
  });

  it('tries the mirror first and falls back to the primary when the mirror fails', async () => {
    const mirror = await startServer('mirror', (_req, res) => {
      res.writeHead(500);
      res.end('upstream error');
    });
    const primary = await startServer('primary', (_req, res) => {
      res.writeHead(200, { 'docker-content-digest': D2 });
      res.end();
    });
    writeFileSync(
      join(dir, 'registries.conf'),
      [
        '[[registry]]',
        `prefix = "${primary}"`,
        `location = "${primary}"`,
        'insecure = true',
        '',
        '[[registry.mirror]]',
        `location = "${mirror}/cache"`,
        'insecure = true',
        '',
      ].join('\n'),
    );

    const r = await client().digest(`${primary}/acme/web:stable`);

    expect(r).toEqual({ digest: D2, endpoint: `${primary}/acme/web` });
    expect(seen.map((s) => [s.server, s.method, s.path])).toEqual([
      ['mirror', 'HEAD', '/v2/cache/acme/web/manifests/stable'],
      ['primary', 'HEAD', '/v2/acme/web/manifests/stable'],
    ]);
  });

  it('uses the mirror answer when the mirror has it, without asking the primary', async () => {
    const mirror = await startServer('mirror', (_req, res) => {
      res.writeHead(200, { 'docker-content-digest': D3 });
      res.end();
    });
    const primary = await startServer('primary', (_req, res) => {
      res.writeHead(200, { 'docker-content-digest': D2 });
      res.end();
    });
    writeFileSync(
      join(dir, 'registries.conf'),
      `[[registry]]\nlocation = "${primary}"\ninsecure = true\n[[registry.mirror]]\nlocation = "${mirror}/cache"\ninsecure = true\n`,
    );
    const r = await client().digest(`${primary}/acme/web:stable`);
    expect(r).toEqual({ digest: D3, endpoint: `${mirror}/cache/acme/web` });
    expect(seen.map((s) => s.server)).toEqual(['mirror']);
  });

  it('reports every endpoint that failed', async () => {
    const mirror = await startServer('mirror', (_req, res) => {
      res.writeHead(503);
      res.end();
    });
    const primary = await startServer('primary', (_req, res) => {
      res.writeHead(404);
      res.end();
    });
    writeFileSync(
      join(dir, 'registries.conf'),
      `[[registry]]\nlocation = "${primary}"\ninsecure = true\n[[registry.mirror]]\nlocation = "${mirror}"\ninsecure = true\n`,
    );
    const err = await failure(client().digest(`${primary}/acme/web:stable`));
    expect(err.message).toContain(`${mirror} (mirror): ${mirror} answered 503`);
    expect(err.message).toContain(`${primary}: ${primary}/acme/web: manifest unknown (404)`);
    // One endpoint said the tag does not exist: not found, not "unavailable".
    expect(err.code).toBe('IMAGE_NOT_FOUND');
  });

  it('only endpoints that did not answer, or answered 5xx -> REGISTRY_UNAVAILABLE', async () => {
    const mirror = await startServer('mirror', (_req, res) => {
      res.writeHead(503);
      res.end();
    });
    writeFileSync(
      join(dir, 'registries.conf'),
      `[[registry]]\nlocation = "127.0.0.1:9"\ninsecure = true\n[[registry.mirror]]\nlocation = "${mirror}"\ninsecure = true\n`,
    );
    const err = await failure(client().digest('127.0.0.1:9/acme/web:stable'));
    expect(err.code).toBe('REGISTRY_UNAVAILABLE');
    expect(err.message).toContain('127.0.0.1:9: ECONNREFUSED');
    expect(err.hint).toBeTruthy();
  });

  it('another HTTP answer -> REGISTRY_ERROR', async () => {
    const host = await startServer('registry', (_req, res) => {
      res.writeHead(400);
      res.end();
    });
    insecureConf(host);
    const err = await failure(client().digest(`${host}/acme/web:stable`));
    expect(err.code).toBe('REGISTRY_ERROR');
    expect(err.message).toContain(`${host} answered 400`);
  });

  it('refuses a blocked registry without contacting it', async () => {
    const host = await startServer('registry', (_req, res) => {
      res.writeHead(200, { 'docker-content-digest': D1 });
      res.end();
    });
    writeFileSync(join(dir, 'registries.conf'), `[[registry]]\nlocation = "${host}"\nblocked = true\n`);
    const err = await failure(client().digest(`${host}/acme/web:stable`));
    expect(err.code).toBe('REGISTRY_ERROR');
    expect(err.message).toContain('blocks');
    expect(seen).toEqual([]);
  });

  it('refuses a digest-only reference', async () => {
    insecureConf('127.0.0.1:9');
    const err = await failure(client().digest(`127.0.0.1:9/acme/web@${D1}`));
    expect(err.code).toBe('REGISTRY_ERROR');
    expect(err.message).toContain('has no tag');
  });
});

describe('RegistryClient.created against a loopback registry', () => {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const other = arch === 'amd64' ? 'arm64' : 'amd64';

  it("reads the config blob of this platform's manifest, after a redirect to storage, with the repository's token", async () => {
    const storage = await startServer('storage', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ created: '2026-11-25T15:00:00.123456789Z', architecture: arch }));
    });
    const host = await startServer('registry', (req, res, url) => {
      if (url.pathname === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ token: 'tok', expires_in: 300 }));
        return;
      }
      if (req.headers.authorization !== 'Bearer tok') {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm=http://${req.headers.host}/token,service=reg`,
        });
        res.end();
        return;
      }
      const body: Record<string, unknown> | undefined = {
        [`/v2/acme/web/manifests/${D1}`]: {
          manifests: [
            { digest: D2, platform: { os: 'linux', architecture: other } },
            { digest: D3, platform: { os: 'linux', architecture: arch } },
          ],
        },
        [`/v2/acme/web/manifests/${D3}`]: { config: { digest: `sha256:${'e'.repeat(64)}` } },
      }[url.pathname];
      if (url.pathname.startsWith('/v2/acme/web/blobs/')) {
        res.writeHead(307, { location: `http://${storage}/blob?signed=1` });
        res.end();
        return;
      }
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(body ? JSON.stringify(body) : '');
    });
    insecureConf(host, storage);

    const created = await client().created(`${host}/acme/web:stable`, D1);

    expect(created).toBe(Date.parse('2026-11-25T15:00:00.123Z'));
    expect(seen.map((s) => [s.server, s.method, s.path, s.authorization])).toEqual([
      ['registry', 'GET', `/v2/acme/web/manifests/${D1}`, undefined],
      ['registry', 'GET', '/token', undefined],
      ['registry', 'GET', `/v2/acme/web/manifests/${D1}`, 'Bearer tok'],
      ['registry', 'GET', `/v2/acme/web/manifests/${D3}`, 'Bearer tok'],
      ['registry', 'GET', `/v2/acme/web/blobs/sha256:${'e'.repeat(64)}`, 'Bearer tok'],
      // The registry's token stays with the registry.
      ['storage', 'GET', '/blob', undefined],
    ]);
  });

  it('a config without a created time -> null, read once per digest; a digest the registry lacks -> IMAGE_NOT_FOUND', async () => {
    const host = await startServer('registry', (_req, res, url) => {
      const body: Record<string, unknown> | undefined = {
        [`/v2/acme/web/manifests/${D1}`]: { config: { digest: D2 } },
        [`/v2/acme/web/blobs/${D2}`]: { architecture: arch },
      }[url.pathname];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(body ? JSON.stringify(body) : '');
    });
    insecureConf(host);
    const c = client();
    expect(await c.created(`${host}/acme/web:stable`, D1)).toBeNull();
    expect((await failure(c.created(`${host}/acme/web:stable`, D3))).code).toBe('IMAGE_NOT_FOUND');
    // A digest names its content: asked again (by another tag too), the answer is the one read.
    const asked = seen.length;
    expect(await c.created(`${host}/acme/web:other`, D1)).toBeNull();
    expect(seen.length).toBe(asked);
  });
});
