/**
 * Which units podup may move: they opt in (AutoUpdate=registry / io.containers.autoupdate=registry) or the
 * operator lists them, and the systemd manager has them. Everything else is listed with the reason and never
 * restarted.
 */
import { describe, expect, it } from 'vitest';
import type { ContainerInfo, ContainerRuntime, UnitManager } from '../ports/index.js';
import { discoverUnits } from './discovery.js';
import { mergeSightings } from './known-unit.js';

const IMAGE = 'ghcr.io/acme/web:stable';

describe('opt-in, as podman auto-update decides it', () => {
  const one = (policy: string | undefined, source: 'podman' | 'quadlet' | 'config' = 'podman') =>
    mergeSightings([{ unit: 'web.service', source, image: IMAGE, policy }])[0];

  it.each(['registry', 'image', 'Registry'])('policy %s opts in', (policy) => {
    expect(one(policy)).toMatchObject({ managed: true, unmanagedReason: null });
  });

  it('no label, or another value: not managed, with how to opt in', () => {
    expect(one(undefined)).toMatchObject({ managed: false });
    expect(one(undefined)?.unmanagedReason).toMatch(/AutoUpdate=registry.*PODUP_UNITS/);
    expect(one('disabled')?.unmanagedReason).toMatch(/"disabled"/);
  });

  it('local: never pulled for', () => {
    expect(one('local', 'quadlet')).toMatchObject({ managed: false });
    expect(one('local', 'quadlet')?.unmanagedReason).toMatch(/AutoUpdate=local/);
  });

  it('listed in PODUP_UNITS: managed whatever its label says', () => {
    const u = mergeSightings([
      { unit: 'web.service', source: 'podman', image: IMAGE },
      { unit: 'web.service', source: 'config', image: IMAGE },
    ])[0];
    expect(u).toMatchObject({ managed: true, sources: ['podman', 'config'] });
  });
});

const container = (unit: string, state = 'running', labels: Record<string, string> = {}): ContainerInfo => ({
  id: `ctr-${unit}`,
  names: [unit],
  image: IMAGE,
  imageId: 'img-1',
  state,
  labels: { PODMAN_SYSTEMD_UNIT: unit, 'io.containers.autoupdate': 'registry', ...labels },
  startedAt: 1,
});

function runtime(containers: ContainerInfo[] | Error): ContainerRuntime {
  const list = async () => {
    if (containers instanceof Error) throw containers;
    return containers;
  };
  return { listContainers: list, inspectImage: async () => undefined } as unknown as ContainerRuntime;
}

/** A manager that has exactly `loaded` (or cannot be reached). */
function manager(loaded: string[] | Error): UnitManager {
  return {
    loadStates: async (units: readonly string[]) => {
      if (loaded instanceof Error) throw loaded;
      return new Map(units.map((u) => [u, loaded.includes(u) ? 'loaded' : 'not-found']));
    },
  } as unknown as UnitManager;
}

describe('discovery keeps leftovers and unknown units off', () => {
  it('a container whose unit the manager does not have is a leftover: listed, never managed', async () => {
    const units = await discoverUnits({
      runtime: runtime([container('web.service'), container('gone.service', 'stopping')]),
      unitManager: manager(['web.service']),
      quadletFiles: async () => [],
      configured: new Map(),
    });
    expect(units.map((u) => [u.unit, u.managed])).toEqual([
      ['gone.service', false],
      ['web.service', true],
    ]);
    expect(units[0]?.unmanagedReason).toMatch(/leftover container/);
  });

  it('a Quadlet file systemd has not loaded yet asks for daemon-reload', async () => {
    const [u] = await discoverUnits({
      runtime: runtime([]),
      unitManager: manager([]),
      quadletFiles: async () => [
        {
          path: '/q/new.container',
          fileName: 'new.container',
          text: `[Container]\nImage=${IMAGE}\nAutoUpdate=registry\n`,
        },
      ],
      configured: new Map(),
    });
    expect(u).toMatchObject({ unit: 'new.service', managed: false });
    expect(u?.unmanagedReason).toMatch(/daemon-reload/);
  });

  it('with D-Bus unreachable, units stay as discovered (the restart then fails with the bus error)', async () => {
    const [u] = await discoverUnits({
      runtime: runtime([container('web.service')]),
      unitManager: manager(new Error('no bus')),
      quadletFiles: async () => [],
      configured: new Map(),
    });
    expect(u).toMatchObject({ unit: 'web.service', managed: true });
  });

  it('with Podman down, PODUP_UNITS and Quadlet units are still known, with the reason noted', async () => {
    const units = await discoverUnits({
      runtime: runtime(new Error('Podman API at /run/podman.sock: connection refused')),
      unitManager: manager(['app.service', 'web.service']),
      quadletFiles: async () => [
        {
          path: '/q/web.container',
          fileName: 'web.container',
          text: `[Container]\nImage=${IMAGE}\nAutoUpdate=registry\n`,
        },
      ],
      configured: new Map([['app.service', 'ghcr.io/acme/app:1']]),
    });
    expect(units.map((u) => [u.unit, u.managed])).toEqual([
      ['app.service', true],
      ['web.service', true],
    ]);
    expect(units[0]?.problems.join()).toMatch(/Podman did not answer.*connection refused/);
  });

  it('with Podman down and nothing else naming a unit, the error reaches the caller (it falls back)', async () => {
    await expect(
      discoverUnits({
        runtime: runtime(new Error('connection refused')),
        unitManager: manager([]),
        quadletFiles: async () => [],
        configured: new Map(),
      }),
    ).rejects.toThrow(/connection refused/);
  });
});
