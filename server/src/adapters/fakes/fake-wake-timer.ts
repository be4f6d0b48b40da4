/** The WakeTimer port over a FakeHost: what the manager would start podup at, held to the same contract. */
import type { WakeTimer } from '../../domain/ports/index.js';
import type { FakeHost } from './fake-host.js';

export class FakeWakeTimer implements WakeTimer {
  constructor(private readonly host: FakeHost) {}

  async arm(at: number | null): Promise<string> {
    this.host.ensureUp('systemd');
    this.host.wakeAt = at === null ? null : Math.ceil(at / 1000) * 1000;
    this.host.calls.push(
      `wake ${this.host.wakeAt === null ? 'withdrawn' : new Date(this.host.wakeAt).toISOString()}`,
    );
    return this.host.wakeAt === null
      ? 'fake.timer withdrawn'
      : `fake.timer at ${new Date(this.host.wakeAt).toISOString()}`;
  }

  async armed(): Promise<number | null> {
    this.host.ensureUp('systemd');
    return this.host.wakeAt;
  }
}
