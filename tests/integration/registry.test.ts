/**
 * Digest lookups against the test host's real registry, through registries.conf the way Podman reads it:
 * ghcr.io is served by the local registry as a mirror, with no test-only code in podup.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../server/src/adapters/registry/registry-client.js';
import { loadConfig, type ContainersPaths } from '../../server/src/config.js';
import { hostEnv } from '../helpers/app.js';
import { childEnv } from '../helpers/server-process.js';

let dir: string;
let paths: ContainersPaths;
let registry: string;

function headDigest(repo: string, tag: string): string {
  const out = execFileSync(
    'curl',
    [
      '-sI',
      '-H',
      'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
      `http://${registry}/v2/${repo}/manifests/${tag}`,
    ],
    {
      encoding: 'utf8',
    },
  );
  return /docker-content-digest:\s*(\S+)/i.exec(out)?.[1] ?? '';
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-reg-'));
  const env = hostEnv();
  registry = env.PODUP_TEST_REGISTRY ?? '';
  paths = loadConfig({ ...env, PODUP_STATE_DIR: dir }).containers;
  // an image under the ghcr.io namespace, stored in the local registry (the mirror)
  execFileSync('podman', ['tag', `${registry}/podup/busybox:1`, `${registry}/acme-corp/reg-test:stable`], {
    env: childEnv(env),
  });
  execFileSync('podman', ['push', '-q', `${registry}/acme-corp/reg-test:stable`], { env: childEnv(env) });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RegistryClient on the real registry', () => {
  it('reads the digest of a ghcr.io tag through the mirror in registries.conf', async () => {
    const client = new RegistryClient(paths);
    const r = await client.digest('ghcr.io/acme-corp/reg-test:stable');
    expect(r.digest).toBe(headDigest('acme-corp/reg-test', 'stable'));
    expect(r.endpoint).toBe(`${registry}/acme-corp/reg-test`);
    await client.close();
  });

  it('reports a tag the registry does not have, naming every endpoint tried', async () => {
    const client = new RegistryClient(paths);
    const err = await client.digest('ghcr.io/acme-corp/reg-test:nope').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/manifest unknown/);
    expect((err as Error).message).toMatch(/\(mirror\)/);
    expect((err as Error).message).toMatch(/ghcr\.io:/);
    await client.close();
  });

  it('fails fast and clearly when the registry is unreachable', async () => {
    const conf = join(dir, 'down.conf');
    writeFileSync(conf, `[[registry]]\nlocation = "127.0.0.1:9"\ninsecure = true\n`);
    const client = new RegistryClient({ ...paths, registriesConf: conf });
    const started = Date.now();
    const err = await client.digest('127.0.0.1:9/acme/app:1').catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((err as Error).message).toMatch(/127\.0\.0\.1:9: ECONNREFUSED/);
    await client.close();
  });

  it('honours blocked = true', async () => {
    const conf = join(dir, 'blocked.conf');
    writeFileSync(
      conf,
      `[[registry]]\nprefix = "ghcr.io/acme-corp"\nlocation = "ghcr.io/acme-corp"\nblocked = true\n`,
    );
    const client = new RegistryClient({ ...paths, registriesConf: conf });
    await expect(client.digest('ghcr.io/acme-corp/reg-test:stable')).rejects.toThrow(
      /blocks ghcr\.io\/acme-corp\/reg-test/,
    );
    await client.close();
  });
});
