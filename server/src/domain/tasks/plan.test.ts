import { afterEach, describe, expect, it } from 'vitest';
import { fakePorts, FakeHost } from '../../adapters/fakes/index.js';
import { AppError } from '../../errors.js';
import { mergeSightings, type KnownUnit, type UnitSighting } from '../units/known-unit.js';
import { planUpdate, selectUnits, type ResumedUnit } from './plan.js';

const D_OLD = `sha256:${'1'.repeat(64)}`;
const D_OLD_PLATFORM = `sha256:${'2'.repeat(64)}`;
const D_NEW = `sha256:${'3'.repeat(64)}`;
const D_API = `sha256:${'4'.repeat(64)}`;
const D_PIN = `sha256:${'5'.repeat(64)}`;
const WEB = 'ghcr.io/acme/web:stable';
const API = 'ghcr.io/acme/api:v2';

/** Units as discovered; each opts in to registry updates unless a sighting says otherwise. */
const units = (...sightings: UnitSighting[]): KnownUnit[] =>
  mergeSightings(sightings.map((s) => ({ policy: 'registry', ...s })));
const running = (unit: string, image: string, imageId: string): UnitSighting => ({
  unit,
  source: 'podman',
  image,
  imageId,
  containerId: `c-${unit}`,
});

const hosts: FakeHost[] = [];
// A plan is also every dry run: it never pulls, tags, removes or restarts anything.
afterEach(() => {
  for (const host of hosts.splice(0)) expect(host.calls).toEqual([]);
});

/**
 * The fake host with the old web image (index and platform digest), the new one and the api image; the
 * registry answers with a digest per reference, or fails with the given error.
 */
const setup = (answers: Record<string, string | Error> = { [WEB]: D_NEW, [API]: D_API }) => {
  const host = new FakeHost();
  hosts.push(host);
  host.addImage('img-old', D_OLD, {
    repoDigests: [`ghcr.io/acme/web@${D_OLD}`, `ghcr.io/acme/web@${D_OLD_PLATFORM}`],
    created: 1,
  });
  host.addImage('img-new', D_NEW, { repos: ['ghcr.io/acme/web'], created: 2 });
  host.addImage('img-api', D_API, { repos: ['ghcr.io/acme/api'], created: 2 });
  host.tags.set(WEB, 'img-new');
  host.tags.set(API, 'img-api');
  for (const [ref, answer] of Object.entries(answers)) {
    if (answer instanceof Error) host.lookupErrors.set(ref, answer);
    else host.publish(ref, { digest: answer });
  }
  const { runtime, registry } = fakePorts(host);
  return { host, deps: { registry, runtime } };
};

describe('selectUnits', () => {
  const known = units(
    running('a.service', WEB, 'img-old'),
    running('b.service', WEB, 'img-new'),
    running('api.service', API, 'img-api'),
    { unit: 'pinned.service', source: 'quadlet', image: `${WEB}@${D_PIN}` },
    { unit: 'pinned-untagged.service', source: 'quadlet', image: `ghcr.io/acme/web@${D_PIN}` },
    { unit: 'pinned-other.service', source: 'quadlet', image: `ghcr.io/acme/web:canary@${D_PIN}` },
  );

  it('returns the named units in the order given', () => {
    expect(selectUnits({ units: ['b.service', 'a.service'] }, known).map((u) => u.unit)).toEqual([
      'b.service',
      'a.service',
    ]);
  });

  it('throws UNKNOWN_UNIT listing every unknown name', () => {
    let err: unknown;
    try {
      selectUnits({ units: ['a.service', 'ghost.service', 'sshd.service'] }, known);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('UNKNOWN_UNIT');
    expect((err as AppError).message).toContain('ghost.service');
    expect((err as AppError).message).toContain('sshd.service');
    expect((err as AppError).message).not.toContain('a.service');
    expect((err as AppError).hint).toBeTruthy();
  });

  it('by image: the units following it plus units pinned to a digest of the same repo:tag', () => {
    expect(
      selectUnits({ image: WEB }, known)
        .map((u) => u.unit)
        .sort(),
    ).toEqual(['a.service', 'b.service', 'pinned.service']);
    expect(selectUnits({ image: API }, known).map((u) => u.unit)).toEqual(['api.service']);
  });

  it('named units take precedence over the image', () => {
    expect(selectUnits({ image: WEB, units: ['api.service'] }, known).map((u) => u.unit)).toEqual([
      'api.service',
    ]);
  });

  it('selects nothing for an empty request or an unknown image', () => {
    expect(selectUnits({}, known)).toEqual([]);
    expect(selectUnits({ units: [] }, known)).toEqual([]);
    expect(selectUnits({ image: 'ghcr.io/acme/nobody:1' }, known)).toEqual([]);
  });
});

describe('planUpdate', () => {
  it('plans an update for a unit whose image is not the target', async () => {
    const { deps } = setup();
    const known = units(running('a.service', WEB, 'img-old'));
    const plan = await planUpdate({ image: WEB }, known, deps);
    expect(plan.images).toEqual([{ image: WEB, digest: D_NEW, endpoint: 'ghcr.io/acme/web', error: null }]);
    expect(plan.units).toEqual([
      {
        unit: 'a.service',
        image: WEB,
        action: 'update',
        reason: null,
        currentDigests: [D_OLD, D_OLD_PLATFORM],
        targetDigest: D_NEW,
        imageId: 'img-old',
        containerId: 'c-a.service',
      },
    ]);
  });

  it('skips a unit already on the target as already up to date', async () => {
    const { deps } = setup();
    const plan = await planUpdate({ image: WEB }, units(running('b.service', WEB, 'img-new')), deps);
    expect(plan.units[0]).toMatchObject({
      action: 'skip',
      reason: 'already up to date',
      targetDigest: D_NEW,
    });
  });

  it('also recognises the target among the repo digests (platform manifest)', async () => {
    const { deps } = setup({ [WEB]: D_OLD_PLATFORM });
    const plan = await planUpdate({ image: WEB }, units(running('a.service', WEB, 'img-old')), deps);
    expect(plan.units[0]?.action).toBe('skip');
  });

  it('skips pinned units with a reason, without asking the registry for them', async () => {
    const { deps, host } = setup();
    const known = units({ unit: 'pinned.service', source: 'quadlet', image: `${WEB}@${D_PIN}` });
    const plan = await planUpdate({ image: WEB }, known, deps);
    expect(plan.units).toHaveLength(1);
    expect(plan.units[0]).toMatchObject({
      unit: 'pinned.service',
      action: 'skip',
      image: null,
      targetDigest: null,
    });
    expect(plan.units[0]?.reason).toContain('pinned');
    expect(plan.units[0]?.reason).toContain(D_PIN);
    expect(host.lookups).toEqual([]);
    expect(plan.images).toEqual([]);
  });

  it('skips a named unit without a usable image, with its problem as the reason', async () => {
    const { deps, host } = setup();
    const known = units(
      { unit: 'noimage.service', source: 'podman', containerId: 'c1' },
      { unit: 'bad.service', source: 'config', image: 'Bad Image' },
    );
    const plan = await planUpdate({ units: ['noimage.service', 'bad.service'] }, known, deps);
    expect(plan.units.map((u) => [u.unit, u.action])).toEqual([
      ['noimage.service', 'skip'],
      ['bad.service', 'skip'],
    ]);
    expect(plan.units[0]?.reason).toBe('no image known for this unit');
    expect(plan.units[1]?.reason).toMatch(/invalid image reference/);
    expect(host.lookups).toEqual([]);
  });

  it('turns a registry error into action error with the message, for every unit of the image', async () => {
    const { deps } = setup({ [WEB]: new Error('ECONNREFUSED'), [API]: D_API });
    const known = units(
      running('a.service', WEB, 'img-old'),
      running('b.service', WEB, 'img-new'),
      running('api.service', API, 'img-old'),
    );
    const plan = await planUpdate({ units: ['a.service', 'b.service', 'api.service'] }, known, deps);
    expect(plan.units.map((u) => [u.unit, u.action])).toEqual([
      ['a.service', 'error'],
      ['b.service', 'error'],
      ['api.service', 'update'],
    ]);
    expect(plan.units[0]?.reason).toBe('registry: ECONNREFUSED');
    expect(plan.units[0]?.targetDigest).toBeNull();
    expect(plan.images.find((i) => i.image === WEB)).toEqual({
      image: WEB,
      digest: null,
      endpoint: null,
      error: 'ECONNREFUSED',
    });
  });

  it('looks each image up once, fresh (maxAgeMs 0), passing the abort signal', async () => {
    const { deps, host } = setup();
    const known = units(
      running('a.service', WEB, 'img-old'),
      running('b.service', WEB, 'img-new'),
      running('c.service', WEB, 'img-old'),
      running('api.service', API, 'img-api'),
    );
    const signal = new AbortController().signal;
    const plan = await planUpdate(
      { units: ['a.service', 'b.service', 'c.service', 'api.service'] },
      known,
      deps,
      signal,
    );
    expect(host.lookups.map((c) => c.reference)).toEqual([WEB, API]);
    for (const c of host.lookups) {
      expect(c.maxAgeMs).toBe(0);
      expect(c.signal).toBe(signal);
    }
    expect(plan.images.map((i) => i.image)).toEqual([WEB, API]);
    expect(plan.units.map((u) => u.action)).toEqual(['update', 'skip', 'update', 'skip']);
  });

  it('looks up a failing image only once too', async () => {
    const { deps, host } = setup({ [WEB]: new Error('timeout') });
    const known = units(running('a.service', WEB, 'img-old'), running('b.service', WEB, 'img-old'));
    await planUpdate({ image: WEB }, known, deps);
    expect(host.lookups).toHaveLength(1);
  });

  it('legacy unit+image request: skips a named unit that runs another image', async () => {
    const { deps, host } = setup();
    const known = units(running('a.service', WEB, 'img-old'), running('api.service', API, 'img-api'));
    const plan = await planUpdate({ image: WEB, units: ['a.service', 'api.service'] }, known, deps);
    expect(plan.units.map((u) => [u.unit, u.action])).toEqual([
      ['a.service', 'update'],
      ['api.service', 'skip'],
    ]);
    expect(plan.units[1]?.reason).toBe(`runs ${API}, not ${WEB}`);
    expect(host.lookups.map((c) => c.reference)).toEqual([WEB]);
  });

  it('a unit with no image id has no current digests and is updated', async () => {
    const { deps, host } = setup();
    const known = units({ unit: 'cfg.service', source: 'config', image: WEB });
    const plan = await planUpdate({ image: WEB }, known, deps);
    expect(plan.units[0]).toMatchObject({
      action: 'update',
      currentDigests: [],
      imageId: null,
      containerId: null,
    });
    expect(host.inspected).toEqual([]);
  });

  describe('resuming an interrupted task', () => {
    const resume = (entry: ResumedUnit) => new Map([['a.service', entry]]);

    it('a unit restarted onto the target before the interruption is verified, with the earlier image for rollback', async () => {
      const { deps } = setup();
      // Now it runs the new image; the earlier attempt recorded the old one.
      const known = units(running('a.service', WEB, 'img-new'));
      const plan = await planUpdate(
        { image: WEB, resume: resume({ status: 'running', digestBefore: D_OLD, imageIdBefore: 'img-old' }) },
        known,
        deps,
      );
      expect(plan.units[0]).toEqual({
        unit: 'a.service',
        image: WEB,
        action: 'verify',
        reason: 'restarted before an interruption; checking it',
        currentDigests: [D_OLD],
        targetDigest: D_NEW,
        imageId: 'img-old',
        containerId: 'c-a.service',
      });
    });

    it('a unit that finished in the earlier attempt is up to date, not verified again', async () => {
      const { deps } = setup();
      const plan = await planUpdate(
        {
          image: WEB,
          resume: resume({ status: 'succeeded', digestBefore: D_OLD, imageIdBefore: 'img-old' }),
        },
        units(running('a.service', WEB, 'img-new')),
        deps,
      );
      expect(plan.units[0]).toMatchObject({
        action: 'skip',
        reason: 'already up to date',
        imageId: 'img-new',
      });
    });

    it('a unit that was already on the target before the earlier attempt is up to date', async () => {
      const { deps } = setup();
      const plan = await planUpdate(
        { image: WEB, resume: resume({ status: 'running', digestBefore: D_NEW, imageIdBefore: 'img-new' }) },
        units(running('a.service', WEB, 'img-new')),
        deps,
      );
      expect(plan.units[0]?.action).toBe('skip');
    });

    it('a unit not yet restarted is updated as usual', async () => {
      const { deps } = setup();
      const plan = await planUpdate(
        { image: WEB, resume: resume({ status: 'pending', digestBefore: D_OLD, imageIdBefore: 'img-old' }) },
        units(running('a.service', WEB, 'img-old')),
        deps,
      );
      expect(plan.units[0]).toMatchObject({
        action: 'update',
        imageId: 'img-old',
        currentDigests: [D_OLD, D_OLD_PLATFORM],
      });
    });
  });
});
