import { describe, expect, it } from 'vitest';
import { mergeSightings, unitsFollowing, type KnownUnit, type UnitSighting } from './known-unit.js';

const DIGEST = 'sha256:4c3a7a1b3f1d2e5c6b7a8f9e0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c';

const one = (sightings: UnitSighting[], unit?: string): KnownUnit => {
  const all = mergeSightings(sightings);
  const u = unit ? all.find((x) => x.unit === unit) : all[0];
  if (!u) throw new Error(`no unit ${unit ?? ''}`);
  return u;
};

describe('mergeSightings', () => {
  it('returns one entry per unit, sorted by name', () => {
    const units = mergeSightings([
      { unit: 'zeta.service', source: 'config', image: 'ghcr.io/a/z:1' },
      { unit: 'alpha.service', source: 'quadlet', image: 'ghcr.io/a/a:1' },
      { unit: 'zeta.service', source: 'podman', image: 'ghcr.io/a/z:1' },
    ]);
    expect(units.map((u) => u.unit)).toEqual(['alpha.service', 'zeta.service']);
  });

  it('takes image and policy from podman over quadlet over config, whatever the order given', () => {
    const u = one([
      { unit: 'web.service', source: 'config', image: 'ghcr.io/acme/web:config', policy: 'config-policy' },
      { unit: 'web.service', source: 'quadlet', image: 'ghcr.io/acme/web:quadlet', policy: 'quadlet-policy' },
      { unit: 'web.service', source: 'podman', image: 'ghcr.io/acme/web:podman', policy: 'registry' },
    ]);
    expect(u.image).toBe('ghcr.io/acme/web:podman');
    expect(u.imageKey).toBe('ghcr.io/acme/web:podman');
    expect(u.policy).toBe('registry');
    expect(u.sources).toEqual(['podman', 'quadlet', 'config']);
  });

  it('falls back to a lower source for a field the higher one does not know', () => {
    const u = one([
      { unit: 'web.service', source: 'config', image: 'ghcr.io/acme/web:stable' },
      { unit: 'web.service', source: 'quadlet', image: 'ghcr.io/acme/web:stable', policy: 'registry' },
      {
        unit: 'web.service',
        source: 'podman',
        containerId: 'c1',
        imageId: 'img1',
        runningDigest: DIGEST,
        containerState: 'running',
      },
    ]);
    expect(u.image).toBe('ghcr.io/acme/web:stable');
    expect(u.policy).toBe('registry');
    expect(u.containerId).toBe('c1');
    expect(u.imageId).toBe('img1');
    expect(u.runningDigest).toBe(DIGEST);
    expect(u.containerState).toBe('running');
    expect(u.problems).toEqual([]);
  });

  it('lists each source once, in priority order', () => {
    const u = one([
      { unit: 'a.service', source: 'config', image: 'ghcr.io/a/b:1' },
      { unit: 'a.service', source: 'quadlet', image: 'ghcr.io/a/b:1' },
      { unit: 'a.service', source: 'quadlet', image: 'ghcr.io/a/b:1' },
    ]);
    expect(u.sources).toEqual(['quadlet', 'config']);
  });

  it('leaves runtime fields null for units only configured', () => {
    const u = one([{ unit: 'a.service', source: 'config', image: 'ghcr.io/a/b:1' }]);
    expect(u).toMatchObject({
      policy: null,
      containerId: null,
      imageId: null,
      runningDigest: null,
      containerState: null,
      pinned: false,
      sources: ['config'],
    });
  });

  it('detects a digest-pinned image: no imageKey, pinned', () => {
    const u = one([
      { unit: 'p.service', source: 'quadlet', image: `ghcr.io/acme/reports:2024.06@${DIGEST}` },
    ]);
    expect(u.pinned).toBe(true);
    expect(u.imageKey).toBeNull();
    expect(u.image).toBe(`ghcr.io/acme/reports:2024.06@${DIGEST}`);
    expect(u.problems).toEqual([]);
  });

  it('normalises a short name to docker.io/library/...:latest and reports it', () => {
    const u = one([{ unit: 'n.service', source: 'config', image: 'nginx' }]);
    expect(u.image).toBe('docker.io/library/nginx:latest');
    expect(u.imageKey).toBe('docker.io/library/nginx:latest');
    expect(u.problems).toHaveLength(1);
    expect(u.problems[0]).toContain('short image name "nginx"');
    expect(u.problems[0]).toContain('docker.io');
  });

  it('reports namespace/repo without a registry host as a short name too', () => {
    const u = one([{ unit: 'n.service', source: 'config', image: 'acme/app:1' }]);
    expect(u.imageKey).toBe('docker.io/acme/app:1');
    expect(u.problems.some((p) => p.includes('short image name'))).toBe(true);
  });

  it('does not report fully qualified names, with a port or localhost, as short', () => {
    for (const image of ['docker.io/library/nginx:1.25', '127.0.0.1:5000/acme/app:1', 'localhost/app:dev']) {
      const u = one([{ unit: 'x.service', source: 'config', image }]);
      expect(u.problems, image).toEqual([]);
    }
    expect(one([{ unit: 'x.service', source: 'config', image: 'localhost/app:dev' }]).imageKey).toBe(
      'localhost/app:dev',
    );
  });

  it('compares normalised images: equal spellings are no disagreement', () => {
    const u = one([
      { unit: 'n.service', source: 'podman', image: 'docker.io/library/nginx:latest' },
      { unit: 'n.service', source: 'quadlet', image: 'docker.io/library/nginx' },
      { unit: 'n.service', source: 'config', image: 'DOCKER.IO/library/nginx:latest' },
    ]);
    expect(u.problems).toEqual([]);
  });

  it('reports sources that disagree on the image, keeping the highest one', () => {
    const u = one([
      { unit: 'web.service', source: 'quadlet', image: 'ghcr.io/acme/web:stable' },
      { unit: 'web.service', source: 'podman', image: 'ghcr.io/acme/web:canary' },
    ]);
    expect(u.imageKey).toBe('ghcr.io/acme/web:canary');
    const problem = u.problems.find((p) => p.includes('disagree'));
    expect(problem).toBeDefined();
    expect(problem).toContain('ghcr.io/acme/web:canary');
    expect(problem).toContain('ghcr.io/acme/web:stable');
  });

  it('keeps an unparseable image as written, with no imageKey and the parse error as a problem', () => {
    const u = one([{ unit: 'bad.service', source: 'config', image: 'ghcr.io/Acme/web:bad tag!' }]);
    expect(u.image).toBe('ghcr.io/Acme/web:bad tag!');
    expect(u.imageKey).toBeNull();
    expect(u.pinned).toBe(false);
    expect(u.problems).toHaveLength(1);
    expect(u.problems[0]).toMatch(/invalid image reference/);
  });

  it('reports a unit without any image', () => {
    const u = one([{ unit: 'x.service', source: 'podman', containerId: 'c1' }]);
    expect(u.image).toBeNull();
    expect(u.imageKey).toBeNull();
    expect(u.problems).toEqual(['no image known for this unit']);
  });
});

describe('unitsFollowing', () => {
  const units = mergeSightings([
    { unit: 'a.service', source: 'config', image: 'ghcr.io/acme/web:stable' },
    { unit: 'b.service', source: 'quadlet', image: 'ghcr.io/acme/web' },
    { unit: 'c.service', source: 'quadlet', image: 'ghcr.io/acme/web:latest' },
    { unit: 'd.service', source: 'config', image: `ghcr.io/acme/web:stable@${DIGEST}` },
    { unit: 'e.service', source: 'config', image: 'ghcr.io/acme/other:stable' },
  ]);

  it('returns the tag-following units of the key, never pinned ones', () => {
    expect(unitsFollowing(units, 'ghcr.io/acme/web:stable').map((u) => u.unit)).toEqual(['a.service']);
    expect(unitsFollowing(units, 'ghcr.io/acme/web:latest').map((u) => u.unit)).toEqual([
      'b.service',
      'c.service',
    ]);
  });

  it('returns nothing for an image nobody runs', () => {
    expect(unitsFollowing(units, 'ghcr.io/acme/nothing:stable')).toEqual([]);
  });
});
