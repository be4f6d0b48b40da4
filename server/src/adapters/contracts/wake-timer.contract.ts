/**
 * The WakeTimer contract: what the scheduler relies on to be started again after an idle exit. Run against
 * FakeWakeTimer (unit project) and SystemdWakeTimer on the real test host (tests/integration/
 * adapter-contracts.test.ts), where the timer is a transient unit of the user manager starting a real service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WakeTimer } from '../../domain/ports/index.js';
import type { Arrange } from './harness.js';

export interface WakeTimerHarness extends Arrange {
  /** The timer, for a service that exists (the harness writes it). */
  wake: WakeTimer;
}

export function describeWakeTimer(
  subject: string,
  makeHarness: () => WakeTimerHarness | Promise<WakeTimerHarness>,
): void {
  describe(`WakeTimer contract: ${subject}`, () => {
    let h: WakeTimerHarness;
    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await h?.wake.arm(null).catch(() => undefined);
      await h?.cleanup();
    });

    it('arms a time to the second (never earlier), and re-arming replaces it', async () => {
      const at = Date.now() + 3_600_000 + 400;
      await h.wake.arm(at);
      expect(await h.wake.armed()).toBe(Math.ceil(at / 1000) * 1000);
      const later = at + 86_400_000;
      await h.wake.arm(later);
      expect(await h.wake.armed()).toBe(Math.ceil(later / 1000) * 1000);
    });

    it('withdrawing leaves nothing armed, and withdrawing twice is no error', async () => {
      await h.wake.arm(Date.now() + 3_600_000);
      await h.wake.arm(null);
      expect(await h.wake.armed()).toBeNull();
      await h.wake.arm(null);
      expect(await h.wake.armed()).toBeNull();
    });
  });
}
