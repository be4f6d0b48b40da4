/**
 * WakeTimer over D-Bus: a transient timer named after podup's own service (podup.service -> podup.timer),
 * which systemd starts at the armed time; under socket activation the service gets its socket as on any start.
 * Transient: nothing is written to the operator's unit directories and no daemon-reload is needed; after a
 * reboot podup arms it again on its next start (a missed run then runs once, see use-cases/scheduler.ts).
 */
import type { WakeTimer } from '../../domain/ports/index.js';
import { AppError } from '../../errors.js';
import type { SystemdBus } from './systemd-bus.js';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export class SystemdWakeTimer implements WakeTimer {
  private service: Promise<string> | undefined;

  /** `service`: the unit to start; by default the service this process runs in, asked of the manager. */
  constructor(
    private readonly bus: SystemdBus,
    private readonly findService: () => Promise<string | undefined> = () => bus.unitOfPid(process.pid),
  ) {}

  private async timer(): Promise<string> {
    this.service ??= this.findService().then((unit) => {
      if (!unit?.endsWith('.service'))
        throw new AppError(
          'WAKE_UNSUPPORTED',
          `podup runs ${unit ? `in ${unit}` : 'outside any unit'} of the systemd ${this.bus.scope} manager, which cannot start it again`,
          {
            hint: 'run podup as its systemd service (systemd/podup.service with podup.socket) for schedules with PODUP_IDLE_EXIT',
          },
        );
      return unit;
    });
    this.service.catch(() => (this.service = undefined));
    return (await this.service).replace(/\.service$/, '.timer');
  }

  async arm(at: number | null): Promise<string> {
    const timer = await this.timer();
    if (at === null) {
      await this.bus.stopTimer(timer);
      return `${timer} withdrawn`;
    }
    await this.bus.startTransientTimer(timer, at);
    return `${timer} at ${iso(Math.ceil(at / 1000) * 1000)}`;
  }

  async armed(): Promise<number | null> {
    return (await this.bus.timerNext(await this.timer())) ?? null;
  }
}
