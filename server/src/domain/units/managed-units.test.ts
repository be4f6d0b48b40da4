/**
 * Which units podup may move: they opt in (AutoUpdate=registry / io.containers.autoupdate=registry) or the
 * operator lists them, and the systemd manager has them. Everything else is listed with the reason and never
 * restarted.
 */
import { describe, expect, it } from 'vitest';
import { fakePorts, FakeHost } from '../../adapters/fakes/index.js';
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

/** A fake host whose registry serves IMAGE (a unit added to it can start). */
function hostServing(): FakeHost {
  const host = new FakeHost();
  host.push(IMAGE, 'web-1');
  return host;
}

/** Discovery over a fake host, with PODUP_UNITS entries. */
function discover(host: FakeHost, configured: Array<[string, string]> = []) {
  const ports = fakePorts(host);
  return discoverUnits({
    runtime: ports.runtime,
    unitManager: ports.unitManager,
    quadletFiles: () => ports.quadlets.read(),
    configured: new Map(configured),
  });
}

const QUADLET = `[Container]\nImage=${IMAGE}\nAutoUpdate=registry\n`;

describe('discovery keeps leftovers and unknown units off', () => {
  it('a container whose unit the manager does not have is a leftover: listed, never managed', async () => {
    const host = hostServing();
    host.addUnit('web.service', IMAGE);
    // A --rm container stuck in "Removing" after its unit file was deleted.
    host.addContainer({
      id: 'ctr-gone',
      image: IMAGE,
      state: 'stopping',
      labels: { PODMAN_SYSTEMD_UNIT: 'gone.service', 'io.containers.autoupdate': 'registry' },
    });
    const units = await discover(host);
    expect(units.map((u) => [u.unit, u.managed])).toEqual([
      ['gone.service', false],
      ['web.service', true],
    ]);
    expect(units[0]?.unmanagedReason).toMatch(/leftover container/);
  });

  it('a unit without the auto-update label is listed, not managed', async () => {
    const host = hostServing();
    host.addUnit('manual.service', IMAGE, { autoUpdate: null });
    const [u] = await discover(host);
    expect(u).toMatchObject({ unit: 'manual.service', managed: false });
  });

  it('a Quadlet file systemd has not loaded yet asks for daemon-reload', async () => {
    const host = hostServing();
    // Read from a directory the generator does not know: the manager never got a unit for it.
    host.addQuadlet('new.container', QUADLET);
    const ports = fakePorts(host);
    ports.unitManager.loadStates = async (units) => new Map(units.map((x) => [x, 'not-found']));
    const [u] = await discoverUnits({
      runtime: ports.runtime,
      unitManager: ports.unitManager,
      quadletFiles: () => ports.quadlets.read(),
      configured: new Map(),
    });
    expect(u).toMatchObject({ unit: 'new.service', managed: false });
    expect(u?.unmanagedReason).toMatch(/daemon-reload/);
  });

  it('with D-Bus unreachable, units stay as discovered (the restart then fails with the bus error)', async () => {
    const host = hostServing();
    host.addUnit('web.service', IMAGE);
    host.down.add('systemd');
    const [u] = await discover(host);
    expect(u).toMatchObject({ unit: 'web.service', managed: true });
  });

  it('with Podman down, PODUP_UNITS and Quadlet units are still known, with the reason noted', async () => {
    const host = hostServing();
    host.addQuadlet('web.container', QUADLET);
    host.addUnit('app.service', 'ghcr.io/acme/app:1');
    host.down.add('podman');
    const units = await discover(host, [['app.service', 'ghcr.io/acme/app:1']]);
    expect(units.map((u) => [u.unit, u.managed])).toEqual([
      ['app.service', true],
      ['web.service', true],
    ]);
    expect(units[0]?.problems.join()).toMatch(/Podman did not answer/);
  });

  it('with Podman down and nothing else naming a unit, the error reaches the caller (it falls back)', async () => {
    const host = hostServing();
    host.addUnit('web.service', IMAGE);
    host.down.add('podman');
    await expect(discover(host)).rejects.toMatchObject({ code: 'PODMAN_UNAVAILABLE' });
  });
});
