import { describe, expect, it } from 'vitest';
import { fakePorts, FakeHost } from '../../adapters/fakes/index.js';
import type { ContainerInfo } from '../ports/index.js';
import { AUTOUPDATE_LABEL, discoverUnits, UNIT_LABEL, type DiscoveryDeps } from './discovery.js';

const D_OLD = `sha256:${'a'.repeat(64)}`;
const D_NEW = `sha256:${'b'.repeat(64)}`;

const container = (p: Partial<ContainerInfo> & { id: string }): Partial<ContainerInfo> & { id: string } => ({
  names: [p.id],
  image: 'ghcr.io/acme/web:stable',
  imageId: 'img-new',
  state: 'running',
  labels: {},
  startedAt: 1_000,
  ...p,
});

/** A fake host running these containers, with these images (id and digest) in its store. */
function hostWith(
  containers: Array<Partial<ContainerInfo> & { id: string }>,
  images: Array<[id: string, digest: string]> = [],
): FakeHost {
  const host = new FakeHost();
  for (const c of containers) host.addContainer(c);
  for (const [id, digest] of images) host.addImage(id, digest, { repos: ['ghcr.io/acme/web'], created: 0 });
  return host;
}

function deps(
  host: FakeHost,
  quadlets: Array<{ fileName: string; text: string }> = [],
  configured: Array<[string, string]> = [],
): DiscoveryDeps {
  for (const q of quadlets) host.addQuadlet(q.fileName, q.text);
  const ports = fakePorts(host);
  return {
    runtime: ports.runtime,
    unitManager: ports.unitManager,
    quadletFiles: () => ports.quadlets.read(),
    configured: new Map(configured),
  };
}

describe('discoverUnits', () => {
  it('reads the unit and auto-update labels of the running container, and its image digest', async () => {
    const host = hostWith(
      [
        container({
          id: 'c-web',
          imageId: 'img-new',
          labels: { [UNIT_LABEL]: 'web.service', [AUTOUPDATE_LABEL]: 'registry' },
        }),
      ],
      [['img-new', D_NEW]],
    );
    const [u, ...rest] = await discoverUnits(deps(host));
    expect(rest).toEqual([]);
    expect(u).toMatchObject({
      unit: 'web.service',
      image: 'ghcr.io/acme/web:stable',
      imageKey: 'ghcr.io/acme/web:stable',
      policy: 'registry',
      containerId: 'c-web',
      imageId: 'img-new',
      runningDigest: D_NEW,
      containerState: 'running',
      sources: ['podman'],
    });
  });

  it('ignores containers without PODMAN_SYSTEMD_UNIT', async () => {
    const host = hostWith([
      container({ id: 'adhoc', labels: { [AUTOUPDATE_LABEL]: 'registry' } }),
      container({ id: 'c-web', labels: { [UNIT_LABEL]: 'web.service' } }),
    ]);
    const units = await discoverUnits(deps(host));
    expect(units.map((u) => u.unit)).toEqual(['web.service']);
    expect(units[0]?.containerId).toBe('c-web');
  });

  it('prefers the running container of a unit over a newer exited one', async () => {
    const labels = { [UNIT_LABEL]: 'web.service' };
    const host = hostWith(
      [
        container({ id: 'exited-new', state: 'exited', startedAt: 9_000, imageId: 'img-x', labels }),
        container({ id: 'running-old', state: 'running', startedAt: 1_000, imageId: 'img-old', labels }),
        container({ id: 'exited-older', state: 'exited', startedAt: 500, imageId: 'img-y', labels }),
      ],
      [['img-old', D_OLD]],
    );
    const [u] = await discoverUnits(deps(host));
    expect(u?.containerId).toBe('running-old');
    expect(u?.imageId).toBe('img-old');
    expect(u?.runningDigest).toBe(D_OLD);
    expect(u?.containerState).toBe('running');
  });

  it('without a running container, takes the most recently started one', async () => {
    const labels = { [UNIT_LABEL]: 'web.service' };
    for (const order of [
      ['a', 'b', 'c'],
      ['c', 'b', 'a'],
    ]) {
      const started: Record<string, number> = { a: 1_000, b: 5_000, c: 3_000 };
      const host = hostWith(
        order.map((id) => container({ id, state: 'exited', startedAt: started[id] ?? 0, labels })),
      );
      const [u] = await discoverUnits(deps(host));
      expect(u?.containerId, order.join()).toBe('b');
      expect(u?.containerState).toBe('exited');
    }
  });

  it('inspects only the chosen container image, and survives an image that cannot be inspected', async () => {
    const host = hostWith([
      container({ id: 'c1', imageId: 'img-broken', labels: { [UNIT_LABEL]: 'a.service' } }),
      container({ id: 'c2', imageId: 'img-gone', labels: { [UNIT_LABEL]: 'b.service' } }),
      container({ id: 'c3', imageId: 'img-skip', state: 'exited', labels: { [UNIT_LABEL]: 'b.service' } }),
    ]);
    host.inspectErrors.set('img-broken', new Error('podman: image store corrupt'));
    const units = await discoverUnits(deps(host));
    expect(units.map((u) => [u.unit, u.runningDigest, u.imageId])).toEqual([
      ['a.service', null, 'img-broken'],
      ['b.service', null, 'img-gone'],
    ]);
    expect(host.inspected.sort()).toEqual(['img-broken', 'img-gone']);
  });

  it('adds units from Quadlet files and the configured map, merged with what runs', async () => {
    const host = hostWith(
      [container({ id: 'c-web', imageId: 'img-new', labels: { [UNIT_LABEL]: 'web.service' } })],
      [['img-new', D_NEW]],
    );
    const quadlets = [
      {
        fileName: 'web.container',
        text: '[Container]\nImage=ghcr.io/acme/web:stable\nAutoUpdate=registry\n',
      },
      { fileName: 'api.container', text: '[Container]\nImage=ghcr.io/acme/api:v2\nServiceName=acme-api\n' },
      { fileName: 'data.volume', text: '[Volume]\n' },
    ];
    const units = await discoverUnits(
      deps(host, quadlets, [
        ['web.service', 'ghcr.io/acme/web:stable'],
        ['legacy.service', 'ghcr.io/acme/legacy:1'],
      ]),
    );
    expect(units.map((u) => u.unit)).toEqual(['acme-api.service', 'legacy.service', 'web.service']);
    const byName = new Map(units.map((u) => [u.unit, u]));
    expect(byName.get('web.service')).toMatchObject({
      sources: ['podman', 'quadlet', 'config'],
      // No label on the container: the Quadlet file's AutoUpdate= is the policy.
      policy: 'registry',
      containerId: 'c-web',
      runningDigest: D_NEW,
      problems: [],
    });
    expect(byName.get('acme-api.service')).toMatchObject({
      sources: ['quadlet'],
      imageKey: 'ghcr.io/acme/api:v2',
      containerId: null,
    });
    expect(byName.get('legacy.service')).toMatchObject({
      sources: ['config'],
      imageKey: 'ghcr.io/acme/legacy:1',
    });
  });

  it('the container label wins over the Quadlet policy', async () => {
    const host = hostWith([
      container({ id: 'c', labels: { [UNIT_LABEL]: 'web.service', [AUTOUPDATE_LABEL]: 'local' } }),
    ]);
    const [u] = await discoverUnits(
      deps(host, [
        {
          fileName: 'web.container',
          text: '[Container]\nImage=ghcr.io/acme/web:stable\nAutoUpdate=registry\n',
        },
      ]),
    );
    expect(u?.policy).toBe('local');
  });

  it('reports a Quadlet file that disagrees with the running container', async () => {
    const host = hostWith([
      container({ id: 'c', image: 'ghcr.io/acme/web:canary', labels: { [UNIT_LABEL]: 'web.service' } }),
    ]);
    const [u] = await discoverUnits(
      deps(host, [{ fileName: 'web.container', text: '[Container]\nImage=ghcr.io/acme/web:stable\n' }]),
    );
    expect(u?.imageKey).toBe('ghcr.io/acme/web:canary');
    expect(u?.problems.join()).toContain('disagree');
  });

  it('returns nothing when nothing is known', async () => {
    expect(await discoverUnits(deps(hostWith([])))).toEqual([]);
  });
});

describe('discoverUnits: names', () => {
  it('drops sightings whose unit name is not a systemd service name (a label can carry anything)', async () => {
    const host = hostWith([
      {
        id: 'c1',
        names: ['x'],
        image: 'ghcr.io/a/b:1',
        imageId: 'i1',
        labels: { [UNIT_LABEL]: 'evil; rm -rf /' },
      },
      {
        id: 'c2',
        names: ['y'],
        image: 'ghcr.io/a/b:1',
        imageId: 'i1',
        labels: { [UNIT_LABEL]: 'good.service' },
      },
    ]);
    const units = await discoverUnits(deps(host, [], [['also-good.service', 'ghcr.io/a/c:1']]));
    expect(units.map((u) => u.unit)).toEqual(['also-good.service', 'good.service']);
  });
});
