/**
 * The UnitManager contract for what the rollout reads and writes beyond restarts: systemd's dependency graph,
 * the restart it propagates to dependents, StartUnit, the ExecStart line and podup's drop-ins. Run against
 * FakeUnitManager (unit project) and SystemdBus on the real test host (tests/integration/adapter-contracts.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../domain/ports/index.js';
import { AppError } from '../../errors.js';
import { eventually, type Arrange, type HostHarness } from './harness.js';

const UNIT_LABEL = 'PODMAN_SYSTEMD_UNIT';
const TIMEOUT_MS = 60_000;

export type UnitGraphHarness = Arrange & Pick<HostHarness, 'units' | 'runtime'>;

export function describeUnitGraph(
  subject: string,
  makeHarness: () => UnitGraphHarness | Promise<UnitGraphHarness>,
): void {
  describe(`UnitManager graph contract: ${subject}`, () => {
    let h: UnitGraphHarness;
    let ref: string;
    let db: string;
    let web: string;

    const runningContainerOf = async (u: string): Promise<ContainerInfo | undefined> =>
      (await h.runtime.listContainers()).find((c) => c.labels[UNIT_LABEL] === u && c.state === 'running');

    beforeAll(async () => {
      h = await makeHarness();
      const repo = `acme-corp/${h.unique('graph')}`;
      ref = `ghcr.io/${repo}:stable`;
      await h.pushImage(repo, 'stable', 'graph-1');
      db = await h.startUnit(h.unique('db'), ref);
      web = await h.startUnit(h.unique('web'), ref, { deps: { requires: [db], after: [db] } });
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('dependencies: the forward lists of the unit file and the reverse ones systemd derives', async () => {
      const w = await h.units.dependencies(web);
      expect(w.after).toContain(db);
      expect(w.requires).toContain(db);
      expect(w.requiredBy).not.toContain(db);
      const d = await h.units.dependencies(db);
      expect(d.before).toContain(web);
      expect(d.requiredBy).toContain(web);
      expect(d.after).not.toContain(web);
      expect(d.boundBy).toEqual([]);
      expect(d.consistsOf).toEqual([]);
    });

    it('restarting a unit restarts the active units that Requires= it', async () => {
      const before = await h.units.state(web);
      expect((await h.units.restart(db, TIMEOUT_MS)).result).toBe('done');
      const after = await eventually(async () => {
        const s = await h.units.state(web);
        return s.activeState === 'active' && s.invocationId !== before.invocationId ? s : undefined;
      }, `${web} restarted with ${db}`);
      expect(after.activeState).toBe('active');
    });

    it('start: "done" and nothing else for an active unit; brings a stopped one up', async () => {
      const before = await h.units.state(web);
      expect((await h.units.start(web, TIMEOUT_MS)).result).toBe('done');
      expect((await h.units.state(web)).invocationId).toBe(before.invocationId);

      const idle = await h.startUnit(h.unique('idle'), ref, { start: false });
      expect((await h.units.state(idle)).activeState).not.toBe('active');
      expect((await h.units.start(idle, TIMEOUT_MS)).result).toBe('done');
      expect((await h.units.state(idle)).activeState).toBe('active');
      await eventually(() => runningContainerOf(idle), `a container of ${idle}`);
    });

    it('execStart: the podman run line with its image', async () => {
      const [exec, ...rest] = await h.units.execStart(db);
      expect(rest).toEqual([]);
      expect(exec?.path).toMatch(/podman$/);
      expect(exec?.argv.slice(1, 2)).toEqual(['run']);
      expect(exec?.argv).toContain(ref);
      expect(exec?.ignoreFailure).toBe(false);
    });

    it('setDropIn: an ExecStart= drop-in replaces the line for the next start; removing it restores it', async () => {
      const [exec] = await h.units.execStart(db);
      const argv = exec?.argv ?? [];
      const pinned = [...argv.slice(0, 2), '--pull=never', ...argv.slice(2)];
      const quoted = pinned.map((a) => (/[\s"'\\;|&]/.test(a) ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a));
      await h.units.setDropIn(db, 'podup-contract', `[Service]\nExecStart=\nExecStart=${quoted.join(' ')}\n`);
      expect((await h.units.execStart(db))[0]?.argv).toEqual(pinned);
      expect((await h.units.restart(db, TIMEOUT_MS)).result).toBe('done');
      expect((await h.units.state(db)).activeState).toBe('active');

      await h.units.setDropIn(db, 'podup-contract', null);
      expect((await h.units.execStart(db))[0]?.argv).toEqual(argv);
      // Removing it again is not an error.
      await h.units.setDropIn(db, 'podup-contract', null);
    });

    it('a unit it has no file for: start rejects with SYSTEMD_ERROR, its graph and ExecStart are empty', async () => {
      const ghost = `${h.unique('ghost')}.service`;
      const start = await h.units.start(ghost, 5_000).catch((e: unknown) => e);
      expect(start).toBeInstanceOf(AppError);
      expect((start as AppError).code).toBe('SYSTEMD_ERROR');
      const d = await h.units.dependencies(ghost);
      expect([...d.requires, ...d.requiredBy, ...d.bindsTo, ...d.partOf]).toEqual([]);
      expect(await h.units.execStart(ghost)).toEqual([]);
    });
  });
}
