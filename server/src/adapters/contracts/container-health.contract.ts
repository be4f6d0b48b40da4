/**
 * The ContainerRuntime contract for health checks: what the health gate relies on from Podman. Run against
 * FakeRuntime (unit project) and PodmanApi on the real test host (tests/integration/adapter-contracts.test.ts),
 * whose units carry `--health-cmd 'test -e /ready'`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../domain/ports/index.js';
import { eventually, type Arrange, type HostHarness } from './harness.js';

const UNIT_LABEL = 'PODMAN_SYSTEMD_UNIT';

export type ContainerHealthHarness = Arrange & Pick<HostHarness, 'runtime' | 'units'>;

export function describeContainerHealth(
  subject: string,
  makeHarness: () => ContainerHealthHarness | Promise<ContainerHealthHarness>,
): void {
  describe(`ContainerRuntime health contract: ${subject}`, () => {
    let h: ContainerHealthHarness;
    let repo: string;

    const containerOf = (u: string): Promise<ContainerInfo> =>
      eventually(
        async () =>
          (await h.runtime.listContainers()).find((c) => c.labels[UNIT_LABEL] === u && c.state === 'running'),
        `a running container of ${u}`,
      );

    beforeAll(async () => {
      h = await makeHarness();
      repo = `acme-corp/${h.unique('hc')}`;
      await h.pushImage(repo, 'good', 'hc-good');
      await h.pushImage(repo, 'bad', 'hc-bad', { passesCheck: false });
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('a container without a check: no check, no verdict; running it answers "no-check"', async () => {
      const unit = await h.startUnit(h.unique('plain'), `ghcr.io/${repo}:good`);
      const c = await containerOf(unit);
      expect(await h.runtime.containerHealth(c.id)).toMatchObject({ check: null, status: '' });
      expect(await h.runtime.runHealthcheck(c.id)).toBe('no-check');
    });

    it('a passing check: "starting" until it runs, then "healthy"', async () => {
      const unit = await h.startUnit(h.unique('good'), `ghcr.io/${repo}:good`, {
        healthCheck: { retries: 2, onFailure: 'none' },
      });
      const c = await containerOf(unit);
      const first = await h.runtime.containerHealth(c.id);
      expect(first?.check?.join(' ')).toContain('test -e /ready');
      expect(first?.onFailure).toBe('none');
      expect(await h.runtime.runHealthcheck(c.id)).toBe('healthy');
      expect(await h.runtime.containerHealth(c.id)).toMatchObject({ status: 'healthy', failingStreak: 0 });
    });

    it('a failing check: "unhealthy" after its retries; with on-failure none the container keeps running', async () => {
      const unit = await h.startUnit(h.unique('bad'), `ghcr.io/${repo}:bad`, {
        healthCheck: { retries: 2, onFailure: 'none' },
      });
      const c = await containerOf(unit);
      expect(await h.runtime.runHealthcheck(c.id)).toBe('unhealthy');
      expect((await h.runtime.containerHealth(c.id))?.status).toBe('starting');
      expect(await h.runtime.runHealthcheck(c.id)).toBe('unhealthy');
      const after = await h.runtime.containerHealth(c.id);
      expect(after).toMatchObject({ status: 'unhealthy', failingStreak: 2 });
      expect((await h.units.state(unit)).activeState).toBe('active');
    });

    it('--health-on-failure=kill: the failing run kills the container and the unit goes down', async () => {
      const unit = await h.startUnit(h.unique('kill'), `ghcr.io/${repo}:bad`, {
        healthCheck: { retries: 1, onFailure: 'kill' },
      });
      const c = await containerOf(unit);
      expect(await h.runtime.runHealthcheck(c.id)).toBe('unhealthy');
      await eventually(async () => {
        const s = await h.units.state(unit);
        return s.activeState === 'active' || s.activeState === 'deactivating' ? undefined : s;
      }, `${unit} down after the kill`);
      expect(await h.runtime.runHealthcheck(c.id)).toBe('gone');
      expect(await h.runtime.containerHealth('f'.repeat(64))).toBeUndefined();
    });
  });
}
