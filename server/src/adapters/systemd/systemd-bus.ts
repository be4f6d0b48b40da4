/**
 * The systemd manager over D-Bus (dbus-next). One connection, opened on first use and dropped when it
 * breaks, so that a restarted bus is picked up by the next call.
 * @see https://www.freedesktop.org/software/systemd/man/org.freedesktop.systemd1.html
 */
import type { MessageBus, Variant } from 'dbus-next';
import { AppError, errorMessage } from '../../errors.js';
import type { SystemdScope } from '../../config.js';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER_IFACE = 'org.freedesktop.systemd1.Manager';

export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class SystemdBus {
  private bus: MessageBus | undefined;

  constructor(
    readonly scope: SystemdScope,
    readonly address: string,
  ) {}

  /** dbus-next loads on first use, like undici: not needed to answer the first request. */
  private async connect(): Promise<MessageBus> {
    if (this.bus) return this.bus;
    const dbus = (await import('dbus-next')).default;
    if (this.bus) return this.bus;
    // sessionBus() connects to whatever address it is given: the system bus address for system scope too.
    const bus = dbus.sessionBus({ busAddress: this.address });
    // Without a listener a broken connection would crash the process.
    bus.on('error', () => {
      if (this.bus === bus) this.bus = undefined;
      bus.disconnect();
    });
    this.bus = bus;
    return bus;
  }

  private unavailable(e: unknown): AppError {
    const hint =
      this.scope === 'user'
        ? 'podup talks to the user manager on the session bus: set DBUS_SESSION_BUS_ADDRESS (or XDG_RUNTIME_DIR) ' +
          'for the user running podup, e.g. run it as a user unit, or enable lingering (loginctl enable-linger)'
        : 'podup talks to the system manager on the system bus: check that dbus is running and that podup runs as ' +
          'root (or set PODUP_SYSTEMD_SCOPE=user)';
    return new AppError(
      'DBUS_UNAVAILABLE',
      `systemd ${this.scope} manager on ${this.address}: ${errorMessage(e)}`,
      {
        cause: e,
        hint,
      },
    );
  }

  /** Reads Manager.Version; resolves with "systemd <version>". */
  async ping(timeoutMs: number): Promise<string> {
    try {
      const bus = await this.connect();
      const version = await withTimeout(
        (async () => {
          const obj = await bus.getProxyObject(SYSTEMD, MANAGER_PATH);
          const props = obj.getInterface('org.freedesktop.DBus.Properties');
          const v = (await props.Get?.(MANAGER_IFACE, 'Version')) as Variant<string>;
          return v.value;
        })(),
        timeoutMs,
        () => new Error(`no answer within ${timeoutMs} ms`),
      );
      return `systemd ${version} (${this.scope} manager)`;
    } catch (e) {
      this.close();
      throw this.unavailable(e);
    }
  }

  close(): void {
    const bus = this.bus;
    this.bus = undefined;
    bus?.disconnect();
  }
}
