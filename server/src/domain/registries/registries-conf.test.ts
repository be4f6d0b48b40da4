import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../images/image-ref.js';
import {
  BlockedRegistry,
  endpointsFor,
  mergeRegistriesConf,
  type Endpoint,
  type RegistriesConf,
  type RegistryConf,
} from './registries-conf.js';

const reg = (r: Partial<RegistryConf> & { prefix: string }): RegistryConf => ({
  location: r.prefix,
  insecure: false,
  blocked: false,
  mirrors: [],
  ...r,
});

const conf = (...registries: RegistryConf[]): RegistriesConf => ({ registries });

const direct = (host: string, repository: string): Endpoint => ({
  host,
  repository,
  insecure: false,
  mirror: false,
});

describe('mergeRegistriesConf', () => {
  it('reads [[registry]] tables with their mirrors and flags', () => {
    const merged = mergeRegistriesConf([
      {
        'unqualified-search-registries': ['docker.io'],
        registry: [
          {
            prefix: 'ghcr.io/acme',
            location: 'mirror.local/ghcr/acme',
            insecure: true,
            mirror: [
              { location: 'cache-a.local/acme', insecure: true },
              { location: 'cache-b.local/acme', 'pull-from-mirror': 'digest-only' },
            ],
          },
        ],
      },
    ]);
    expect(merged).toEqual({
      registries: [
        {
          prefix: 'ghcr.io/acme',
          location: 'mirror.local/ghcr/acme',
          insecure: true,
          blocked: false,
          mirrors: [
            { location: 'cache-a.local/acme', insecure: true, pullFromMirror: 'all' },
            { location: 'cache-b.local/acme', insecure: false, pullFromMirror: 'digest-only' },
          ],
        },
      ],
    });
  });

  it('defaults the prefix to the location, and the location to the prefix', () => {
    const merged = mergeRegistriesConf([
      { registry: [{ location: 'registry.local:5000' }, { prefix: 'quay.io', blocked: true }] },
    ]);
    expect(merged.registries).toEqual([
      {
        prefix: 'registry.local:5000',
        location: 'registry.local:5000',
        insecure: false,
        blocked: false,
        mirrors: [],
      },
      { prefix: 'quay.io', location: 'quay.io', insecure: false, blocked: true, mirrors: [] },
    ]);
  });

  it('lets a drop-in replace a table of the same prefix and add new ones', () => {
    const merged = mergeRegistriesConf([
      {
        registry: [
          { prefix: 'docker.io', location: 'docker.io', mirror: [{ location: 'old-mirror.local' }] },
          { prefix: 'ghcr.io', location: 'ghcr.io' },
        ],
      },
      { registry: [{ prefix: 'docker.io', location: 'hub-proxy.local', insecure: true }] },
      { registry: [{ prefix: 'quay.io', location: 'quay.io', blocked: true }] },
    ]);
    const byPrefix = new Map(merged.registries.map((r) => [r.prefix, r]));
    expect([...byPrefix.keys()].sort()).toEqual(['docker.io', 'ghcr.io', 'quay.io']);
    // Replaced as a whole: the old mirror is gone.
    expect(byPrefix.get('docker.io')).toEqual({
      prefix: 'docker.io',
      location: 'hub-proxy.local',
      insecure: true,
      blocked: false,
      mirrors: [],
    });
    expect(byPrefix.get('ghcr.io')?.location).toBe('ghcr.io');
    expect(byPrefix.get('quay.io')?.blocked).toBe(true);
  });

  it('skips tables with neither prefix nor location, and mirrors without a location', () => {
    const merged = mergeRegistriesConf([
      {
        registry: [
          { insecure: true },
          { prefix: 'ghcr.io', mirror: [{ insecure: true }, { location: 'm.local' }] },
        ],
      },
    ]);
    expect(merged.registries).toHaveLength(1);
    expect(merged.registries[0]?.mirrors.map((m) => m.location)).toEqual(['m.local']);
  });

  it('ignores files without [[registry]] and values of the wrong type', () => {
    const merged = mergeRegistriesConf([
      {},
      { registry: 'nope' },
      { registry: [{ prefix: 'ghcr.io', insecure: 'yes', blocked: 1, mirror: 'x' }] },
    ]);
    expect(merged.registries).toEqual([
      { prefix: 'ghcr.io', location: 'ghcr.io', insecure: false, blocked: false, mirrors: [] },
    ]);
  });
});

describe('endpointsFor', () => {
  it('without a matching table goes to the registry itself', () => {
    expect(endpointsFor(parseImageRef('ghcr.io/acme/web:stable'), conf())).toEqual([
      direct('ghcr.io', 'acme/web'),
    ]);
    expect(endpointsFor(parseImageRef('ghcr.io/acme/web:stable'), conf(reg({ prefix: 'quay.io' })))).toEqual([
      direct('ghcr.io', 'acme/web'),
    ]);
  });

  it('sends Docker Hub lookups to registry-1.docker.io', () => {
    expect(endpointsFor(parseImageRef('nginx'), conf())).toEqual([
      direct('registry-1.docker.io', 'library/nginx'),
    ]);
    expect(
      endpointsFor(parseImageRef('docker.io/library/nginx:1'), conf(reg({ prefix: 'docker.io' }))),
    ).toEqual([direct('registry-1.docker.io', 'library/nginx')]);
  });

  it('matches a prefix only at a path boundary', () => {
    const c = conf(reg({ prefix: 'ghcr.io/acme', location: 'mirror.local/acme' }));
    expect(endpointsFor(parseImageRef('ghcr.io/acme-corp/web:1'), c)).toEqual([
      direct('ghcr.io', 'acme-corp/web'),
    ]);
    expect(endpointsFor(parseImageRef('ghcr.io/acme/web:1'), c)).toEqual([
      direct('mirror.local', 'acme/web'),
    ]);
  });

  it('rewrites the rest of the path onto the location', () => {
    const c = conf(reg({ prefix: 'ghcr.io/acme', location: 'mirror.local/ghcr/acme' }));
    expect(endpointsFor(parseImageRef('ghcr.io/acme/team/web:stable'), c)).toEqual([
      direct('mirror.local', 'ghcr/acme/team/web'),
    ]);
  });

  it('matches a whole repository prefix', () => {
    const c = conf(reg({ prefix: 'ghcr.io/acme/web', location: 'local.registry:5000/web-copy' }));
    expect(endpointsFor(parseImageRef('ghcr.io/acme/web:stable'), c)).toEqual([
      direct('local.registry:5000', 'web-copy'),
    ]);
  });

  it('uses the longest matching prefix whatever the order of the tables', () => {
    const tables = [
      reg({ prefix: 'ghcr.io', location: 'short.local' }),
      reg({ prefix: 'ghcr.io/acme', location: 'long.local/acme' }),
    ];
    for (const c of [conf(...tables), conf(...[...tables].reverse())]) {
      expect(endpointsFor(parseImageRef('ghcr.io/acme/web:1'), c)).toEqual([
        direct('long.local', 'acme/web'),
      ]);
      expect(endpointsFor(parseImageRef('ghcr.io/other/web:1'), c)).toEqual([
        direct('short.local', 'other/web'),
      ]);
    }
  });

  it('lists the mirrors first, in order, then the primary location, with their insecure flags', () => {
    const c = conf(
      reg({
        prefix: 'ghcr.io/acme',
        location: 'ghcr.io/acme',
        insecure: false,
        mirrors: [
          { location: 'cache-a.local:5000/acme', insecure: true, pullFromMirror: 'all' },
          { location: 'cache-b.local', insecure: false, pullFromMirror: 'all' },
        ],
      }),
    );
    expect(endpointsFor(parseImageRef('ghcr.io/acme/web:stable'), c)).toEqual([
      { host: 'cache-a.local:5000', repository: 'acme/web', insecure: true, mirror: true },
      { host: 'cache-b.local', repository: 'web', insecure: false, mirror: true },
      { host: 'ghcr.io', repository: 'acme/web', insecure: false, mirror: false },
    ]);
  });

  it('marks an insecure primary', () => {
    const c = conf(reg({ prefix: '127.0.0.1:5000', insecure: true }));
    expect(endpointsFor(parseImageRef('127.0.0.1:5000/acme/web:1'), c)).toEqual([
      { host: '127.0.0.1:5000', repository: 'acme/web', insecure: true, mirror: false },
    ]);
  });

  it('skips digest-only mirrors for tag lookups and tag-only mirrors for digest lookups', () => {
    const c = conf(
      reg({
        prefix: 'docker.io',
        mirrors: [
          { location: 'digest-only.local', insecure: false, pullFromMirror: 'digest-only' },
          { location: 'tag-only.local', insecure: false, pullFromMirror: 'tag-only' },
          { location: 'all.local', insecure: false, pullFromMirror: 'all' },
        ],
      }),
    );
    const ref = parseImageRef('docker.io/library/nginx:1.25');
    expect(endpointsFor(ref, c).map((e) => e.host)).toEqual([
      'tag-only.local',
      'all.local',
      'registry-1.docker.io',
    ]);
    expect(endpointsFor(ref, c, true).map((e) => e.host)).toEqual([
      'digest-only.local',
      'all.local',
      'registry-1.docker.io',
    ]);
  });

  it('maps a docker.io mirror location to the Docker Hub API host too', () => {
    const c = conf(
      reg({
        prefix: 'hub-alias.local',
        mirrors: [{ location: 'docker.io', insecure: false, pullFromMirror: 'all' }],
      }),
    );
    expect(endpointsFor(parseImageRef('hub-alias.local/library/nginx:1'), c)[0]).toEqual({
      host: 'registry-1.docker.io',
      repository: 'library/nginx',
      insecure: false,
      mirror: true,
    });
  });

  it('matches a wildcard prefix on subdomains only, keeping host and repository', () => {
    const c = conf(reg({ prefix: '*.example.com', location: '', insecure: true }));
    expect(endpointsFor(parseImageRef('registry.example.com/team/app:1'), c)).toEqual([
      { host: 'registry.example.com', repository: 'team/app', insecure: true, mirror: false },
    ]);
    expect(endpointsFor(parseImageRef('a.b.example.com/app:1'), c)).toEqual([
      { host: 'a.b.example.com', repository: 'app', insecure: true, mirror: false },
    ]);
    // The bare domain is not a subdomain.
    expect(endpointsFor(parseImageRef('example.com/app:1'), c)).toEqual([direct('example.com', 'app')]);
    expect(endpointsFor(parseImageRef('notexample.com/app:1'), c)).toEqual([direct('notexample.com', 'app')]);
  });

  it('throws BlockedRegistry for a blocked prefix, naming the image', () => {
    const c = conf(reg({ prefix: 'ghcr.io/evil', blocked: true }), reg({ prefix: 'ghcr.io' }));
    expect(() => endpointsFor(parseImageRef('ghcr.io/evil/app:1'), c)).toThrow(BlockedRegistry);
    expect(() => endpointsFor(parseImageRef('ghcr.io/evil/app:1'), c)).toThrow('ghcr.io/evil/app');
    expect(endpointsFor(parseImageRef('ghcr.io/good/app:1'), c)).toEqual([direct('ghcr.io', 'good/app')]);
  });

  it('a more specific unblocked prefix wins over a blocked registry', () => {
    const c = conf(reg({ prefix: 'quay.io', blocked: true }), reg({ prefix: 'quay.io/allowed' }));
    expect(endpointsFor(parseImageRef('quay.io/allowed/app:1'), c)).toEqual([
      direct('quay.io', 'allowed/app'),
    ]);
    expect(() => endpointsFor(parseImageRef('quay.io/other/app:1'), c)).toThrow(BlockedRegistry);
  });
});
