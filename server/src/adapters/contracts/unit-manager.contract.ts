/**
 * The UnitManager contract: what the update engine and discovery rely on from systemd, with the container
 * runtime beside it (a restart is judged by the container it leaves behind). Run against FakeUnitManager
 * (adapters/fakes, unit project) and SystemdBus on the real test host (tests/integration/adapter-contracts.test.ts).
 * The cases run in order on one unit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo, UnitState } from '../../domain/ports/index.js';
import { AppError } from '../../errors.js';
import { eventually, type Arrange, type HostHarness } from './harness.js';

const UNIT_LABEL = 'PODMAN_SYSTEMD_UNIT';
const RESTART_TIMEOUT_MS = 60_000;

export type UnitManagerHarness = Arrange & Pick<HostHarness, 'units' | 'runtime'>;

export function describeUnitManager(
  subject: string,
  makeHarness: () => UnitManagerHarness | Promise<UnitManagerHarness>,
): void {
  describe(`UnitManager contract: ${subject}`, () => {
    let h: UnitManagerHarness;
    let repo: string;
    let ref: string;
    let unit: string;
    let firstImage: string;

    const runningContainerOf = async (u: string): Promise<ContainerInfo | undefined> =>
      (await h.runtime.listContainers()).find((c) => c.labels[UNIT_LABEL] === u && c.state === 'running');
    /** The state once the unit is no longer active (a real unit may report active for a moment first). */
    const stopped = (u: string): Promise<UnitState> =>
      eventually(async () => {
        const s = await h.units.state(u);
        return ['active', 'activating', 'deactivating', 'reloading'].includes(s.activeState) ? undefined : s;
      }, `${u} no longer active`);

    beforeAll(async () => {
      h = await makeHarness();
      repo = `acme-corp/${h.unique('um')}`;
      ref = `ghcr.io/${repo}:stable`;
      await h.pushImage(repo, 'stable', 'um-1');
      unit = await h.startUnit(h.unique('um'), ref);
      firstImage = (await runningContainerOf(unit))?.imageId ?? '';
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('reports a running unit active/running with a main pid, an invocation id and no automatic restarts', async () => {
      const s = await h.units.state(unit);
      expect(s).toMatchObject({
        activeState: 'active',
        subState: 'running',
        result: 'success',
        nRestarts: 0,
      });
      expect(s.mainPid).toBeGreaterThan(0);
      expect(s.invocationId).toMatch(/\S/);
    });

    it('restart: job "done", a new invocation, and a new container created from what the tag points at now', async () => {
      await h.pushImage(repo, 'stable', 'um-2');
      const pulled = await h.runtime.pull(ref, () => undefined);
      const before = await h.units.state(unit);
      const oldContainer = await runningContainerOf(unit);

      const job = await h.units.restart(unit, RESTART_TIMEOUT_MS);

      expect(job.result).toBe('done');
      expect(job.job).toMatch(/\S/);
      const after = await h.units.state(unit);
      expect(after).toMatchObject({ activeState: 'active', subState: 'running' });
      expect(after.invocationId).not.toBe(before.invocationId);
      // A restart asked for is not an automatic one: the health gate counts only those.
      expect(after.nRestarts).toBe(before.nRestarts);
      const now = await eventually(async () => {
        const c = await runningContainerOf(unit);
        return c && c.id !== oldContainer?.id ? c : undefined;
      }, 'a new container');
      expect(now.imageId).toBe(pulled);
    });

    it('restart after the tag was pointed back (a rollback) runs the earlier image', async () => {
      await h.runtime.tag(firstImage, ref);
      expect((await h.units.restart(unit, RESTART_TIMEOUT_MS)).result).toBe('done');
      const c = await eventually(runningContainerOf.bind(null, unit), 'a running container');
      expect(c.imageId).toBe(firstImage);
    });

    it('loadStates: "loaded" for a unit it has a file for, "not-found" for a name it has none for', async () => {
      const ghost = `${h.unique('ghost')}.service`;
      const states = await h.units.loadStates([unit, ghost]);
      expect(states.get(unit)).toBe('loaded');
      expect(states.get(ghost)).toBe('not-found');
      expect((await h.units.loadStates([])).size).toBe(0);
    });

    it('a unit whose image exits at once: the job is "done", then the unit fails (exit-code, no container); resetFailed clears it', async () => {
      await h.pushImage(repo, 'broken', 'um-broken', { healthy: false });
      const broken = await h.runtime.pull(`ghcr.io/${repo}:broken`, () => undefined);
      await h.runtime.tag(broken, ref);

      // The container did start: only the health gate can tell that it did not stay up.
      expect((await h.units.restart(unit, RESTART_TIMEOUT_MS)).result).toBe('done');

      const failed = await stopped(unit);
      expect(failed).toMatchObject({ activeState: 'failed', result: 'exit-code' });
      expect(await runningContainerOf(unit)).toBeUndefined();
      await h.units.resetFailed(unit);
      expect(await h.units.state(unit)).toMatchObject({ activeState: 'inactive', result: 'success' });

      await h.runtime.tag(firstImage, ref);
      expect((await h.units.restart(unit, RESTART_TIMEOUT_MS)).result).toBe('done');
      expect((await h.units.state(unit)).activeState).toBe('active');
    });

    it('journal: resolves with at most the lines asked for, never journalctl\'s "no entries" marker', async () => {
      // The test host has no journald: there the answer is empty, which the engine reports as "no entries".
      const lines = await h.units.journal(unit, 5);
      expect(lines.length).toBeLessThanOrEqual(5);
      for (const l of lines) expect(l).not.toMatch(/^-- No entries --/);
    });

    it('a unit it has no file for: restart and resetFailed reject with SYSTEMD_ERROR, its state is inactive/dead', async () => {
      const ghost = `${h.unique('ghost')}.service`;
      const restart = await h.units.restart(ghost, 5_000).catch((e: unknown) => e);
      expect(restart).toBeInstanceOf(AppError);
      expect((restart as AppError).code).toBe('SYSTEMD_ERROR');
      const reset = await h.units.resetFailed(ghost).catch((e: unknown) => e);
      expect(reset).toBeInstanceOf(AppError);
      expect((reset as AppError).code).toBe('SYSTEMD_ERROR');
      expect(await h.units.state(ghost)).toMatchObject({ activeState: 'inactive', subState: 'dead' });
    });
  });
}
