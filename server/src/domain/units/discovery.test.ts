import { describe, expect, it } from 'vitest';
import type { ContainerInfo, ContainerRuntime, ImageInfo, UnitManager } from '../ports/index.js';
import { AUTOUPDATE_LABEL, discoverUnits, UNIT_LABEL, type DiscoveryDeps } from './discovery.js';

const D_OLD = `sha256:${'a'.repeat(64)}`;
const D_NEW = `sha256:${'b'.repeat(64)}`;

/** Containers and images in memory; only what discovery reads is implemented. */
class FakeRuntime implements ContainerRuntime {
  inspected: string[] = [];
  constructor(
    readonly containers: ContainerInfo[],
    readonly images: ImageInfo[] = [],
  ) {}
  async listContainers(): Promise<ContainerInfo[]> {
    return this.containers.map((c) => ({ ...c, labels: { ...c.labels } }));
  }
  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    this.inspected.push(ref);
    if (ref === 'img-broken') throw new Error('podman: image store corrupt');
    return this.images.find((i) => i.id === ref);
  }
  listImages(): Promise<ImageInfo[]> {
    throw new Error('not used by discovery');
  }
  pull(): Promise<string> {
    throw new Error('not used by discovery');
  }
  tag(): Promise<void> {
    throw new Error('not used by discovery');
  }
  removeImage(): Promise<'removed' | 'in-use' | 'missing'> {
    throw new Error('not used by discovery');
  }
  containerLogs(): Promise<string[]> {
    throw new Error('not used by discovery');
  }
}

const container = (p: Partial<ContainerInfo> & { id: string }): ContainerInfo => ({
  names: [p.id],
  image: 'ghcr.io/acme/web:stable',
  imageId: 'img-new',
  state: 'running',
  labels: {},
  startedAt: 1_000,
  ...p,
});

const image = (id: string, digest: string): ImageInfo => ({
  id,
  digest,
  repoDigests: [`ghcr.io/acme/web@${digest}`],
  repoTags: [],
  created: 0,
});

function deps(
  runtime: ContainerRuntime,
  quadlets: Array<{ fileName: string; text: string }> = [],
  configured: Array<[string, string]> = [],
): DiscoveryDeps {
  return {
    runtime,
    unitManager: everyUnitLoaded,
    quadletFiles: async () => quadlets,
    configured: new Map(configured),
  };
}

/** A manager that knows every unit it is asked about. */
const everyUnitLoaded = {
  loadStates: async (units: readonly string[]) => new Map(units.map((u) => [u, 'loaded'])),
} as unknown as UnitManager;

describe('discoverUnits', () => {
  it('reads the unit and auto-update labels of the running container, and its image digest', async () => {
    const runtime = new FakeRuntime(
      [
        container({
          id: 'c-web',
          imageId: 'img-new',
          labels: { [UNIT_LABEL]: 'web.service', [AUTOUPDATE_LABEL]: 'registry' },
        }),
      ],
      [image('img-new', D_NEW)],
    );
    const [u, ...rest] = await discoverUnits(deps(runtime));
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
    const runtime = new FakeRuntime([
      container({ id: 'adhoc', labels: { [AUTOUPDATE_LABEL]: 'registry' } }),
      container({ id: 'c-web', labels: { [UNIT_LABEL]: 'web.service' } }),
    ]);
    const units = await discoverUnits(deps(runtime));
    expect(units.map((u) => u.unit)).toEqual(['web.service']);
    expect(units[0]?.containerId).toBe('c-web');
  });

  it('prefers the running container of a unit over a newer exited one', async () => {
    const labels = { [UNIT_LABEL]: 'web.service' };
    const runtime = new FakeRuntime(
      [
        container({ id: 'exited-new', state: 'exited', startedAt: 9_000, imageId: 'img-x', labels }),
        container({ id: 'running-old', state: 'running', startedAt: 1_000, imageId: 'img-old', labels }),
        container({ id: 'exited-older', state: 'exited', startedAt: 500, imageId: 'img-y', labels }),
      ],
      [image('img-old', D_OLD)],
    );
    const [u] = await discoverUnits(deps(runtime));
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
      const runtime = new FakeRuntime(
        order.map((id) => container({ id, state: 'exited', startedAt: started[id] ?? 0, labels })),
      );
      const [u] = await discoverUnits(deps(runtime));
      expect(u?.containerId, order.join()).toBe('b');
      expect(u?.containerState).toBe('exited');
    }
  });

  it('inspects only the chosen container image, and survives an image that cannot be inspected', async () => {
    const runtime = new FakeRuntime([
      container({ id: 'c1', imageId: 'img-broken', labels: { [UNIT_LABEL]: 'a.service' } }),
      container({ id: 'c2', imageId: 'img-gone', labels: { [UNIT_LABEL]: 'b.service' } }),
      container({ id: 'c3', imageId: 'img-skip', state: 'exited', labels: { [UNIT_LABEL]: 'b.service' } }),
    ]);
    const units = await discoverUnits(deps(runtime));
    expect(units.map((u) => [u.unit, u.runningDigest, u.imageId])).toEqual([
      ['a.service', null, 'img-broken'],
      ['b.service', null, 'img-gone'],
    ]);
    expect(runtime.inspected.sort()).toEqual(['img-broken', 'img-gone']);
  });

  it('adds units from Quadlet files and the configured map, merged with what runs', async () => {
    const runtime = new FakeRuntime(
      [container({ id: 'c-web', imageId: 'img-new', labels: { [UNIT_LABEL]: 'web.service' } })],
      [image('img-new', D_NEW)],
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
      deps(runtime, quadlets, [
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
    const runtime = new FakeRuntime([
      container({ id: 'c', labels: { [UNIT_LABEL]: 'web.service', [AUTOUPDATE_LABEL]: 'local' } }),
    ]);
    const [u] = await discoverUnits(
      deps(runtime, [
        {
          fileName: 'web.container',
          text: '[Container]\nImage=ghcr.io/acme/web:stable\nAutoUpdate=registry\n',
        },
      ]),
    );
    expect(u?.policy).toBe('local');
  });

  it('reports a Quadlet file that disagrees with the running container', async () => {
    const runtime = new FakeRuntime([
      container({ id: 'c', image: 'ghcr.io/acme/web:canary', labels: { [UNIT_LABEL]: 'web.service' } }),
    ]);
    const [u] = await discoverUnits(
      deps(runtime, [{ fileName: 'web.container', text: '[Container]\nImage=ghcr.io/acme/web:stable\n' }]),
    );
    expect(u?.imageKey).toBe('ghcr.io/acme/web:canary');
    expect(u?.problems.join()).toContain('disagree');
  });

  it('returns nothing when nothing is known', async () => {
    expect(await discoverUnits(deps(new FakeRuntime([])))).toEqual([]);
  });
});

describe('discoverUnits: names', () => {
  it('drops sightings whose unit name is not a systemd service name (a label can carry anything)', async () => {
    const units = await discoverUnits({
      unitManager: everyUnitLoaded,
      runtime: {
        listContainers: async () => [
          {
            id: 'c1',
            names: ['x'],
            image: 'ghcr.io/a/b:1',
            imageId: 'i1',
            state: 'running',
            labels: { PODMAN_SYSTEMD_UNIT: 'evil; rm -rf /' },
            startedAt: 1,
          },
          {
            id: 'c2',
            names: ['y'],
            image: 'ghcr.io/a/b:1',
            imageId: 'i1',
            state: 'running',
            labels: { PODMAN_SYSTEMD_UNIT: 'good.service' },
            startedAt: 1,
          },
        ],
        inspectImage: async () => undefined,
        listImages: async () => [],
        pull: async () => 'x',
        tag: async () => undefined,
        removeImage: async () => 'missing',
        containerLogs: async () => [],
      },
      quadletFiles: async () => [],
      configured: new Map([['also-good.service', 'ghcr.io/a/c:1']]),
    });
    expect(units.map((u) => u.unit)).toEqual(['also-good.service', 'good.service']);
  });
});
