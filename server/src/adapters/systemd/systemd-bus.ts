/**
 * The systemd manager over D-Bus (dbus-next), as the UnitManager port. One connection, opened on first use
 * and dropped when it breaks, so that a restarted bus is picked up by the next call. Every call is bounded.
 * @see https://www.freedesktop.org/software/systemd/man/org.freedesktop.systemd1.html
 */
import { execFile } from 'node:child_process';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientInterface, Message, MessageBus, Variant } from 'dbus-next';
import type { SystemdScope } from '../../config.js';
import type {
  ExecCommand,
  LoadState,
  UnitDependencies,
  UnitManager,
  UnitState,
} from '../../domain/ports/index.js';
import { AppError, errorMessage } from '../../errors.js';

const SYSTEMD = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER_IFACE = 'org.freedesktop.systemd1.Manager';
const CALL_TIMEOUT_MS = 30_000;

export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface JobResult {
  job: string;
  result: string;
}

/** One bus connection with its Manager proxy and the JobRemoved results not yet claimed. */
interface Connection {
  bus: MessageBus;
  manager: ClientInterface;
  /** JobRemoved can arrive before RestartUnit's reply is processed, so results are kept by job path. */
  finished: Map<string, JobResult>;
  waiters: Map<string, (r: JobResult) => void>;
  /** dbus-next's Message class (loaded with the connection), for calls without a proxy object. */
  Message: typeof Message;
}

const bytesToHex = (v: unknown): string =>
  Buffer.isBuffer(v) ? v.toString('hex') : Array.isArray(v) ? Buffer.from(v as number[]).toString('hex') : '';

export class SystemdBus implements UnitManager {
  private conn: Promise<Connection> | undefined;
  private currentBus: MessageBus | undefined;
  /** The manager's search path does not change while it runs. */
  private control: string | undefined;

  constructor(
    readonly scope: SystemdScope,
    readonly address: string,
  ) {}

  private unavailable(e: unknown): AppError {
    if (e instanceof AppError) return e;
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

  /** dbus-next loads on first use, like undici: not needed to answer the first request. */
  private async open(): Promise<Connection> {
    const dbus = (await import('dbus-next')).default;
    // sessionBus() connects to whatever address it is given: the system bus address for system scope too.
    // "unix:socket=" makes dbus-next use node's own net socket: for "unix:path=" it prefers the optional
    // native usocket module, which trips a libuv assertion (uv__finish_close) when connections close.
    const bus = dbus.sessionBus({ busAddress: this.address.replace(/(^|;)unix:path=/g, '$1unix:socket=') });
    const conn: Partial<Connection> = {
      bus,
      finished: new Map(),
      waiters: new Map(),
      Message: dbus.Message,
    };
    this.currentBus = bus;
    // Without a listener a broken connection would crash the process.
    bus.on('error', () => {
      if (this.currentBus === bus) {
        this.currentBus = undefined;
        this.conn = undefined;
      }
      bus.disconnect();
    });
    // A refused or broken connection surfaces only as an 'error' event: fail the open at once on it.
    const failed = new Promise<never>((_, reject) => bus.once('error', reject));
    failed.catch(() => undefined);
    const obj = await Promise.race([bus.getProxyObject(SYSTEMD, MANAGER_PATH), failed]);
    const manager = obj.getInterface(MANAGER_IFACE);
    manager.on('JobRemoved', (_id: number, job: string, _unit: string, result: string) => {
      const r = { job, result };
      const waiter = conn.waiters?.get(job);
      if (waiter) waiter(r);
      else {
        conn.finished?.set(job, r);
        // Results nobody waits for (other clients' jobs) must not pile up.
        if ((conn.finished?.size ?? 0) > 1000) conn.finished?.clear();
      }
    });
    // Without Subscribe() systemd does not send JobRemoved to this client.
    await (manager.Subscribe as () => Promise<void>)();
    conn.manager = manager;
    return conn as Connection;
  }

  private async connection(timeoutMs = CALL_TIMEOUT_MS): Promise<Connection> {
    if (!this.conn) {
      const p = this.open();
      this.conn = p;
      p.catch(() => {
        if (this.conn === p) this.conn = undefined;
      });
    }
    try {
      return await withTimeout(this.conn, timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
    } catch (e) {
      this.close();
      throw this.unavailable(e);
    }
  }

  private async call<T>(
    what: string,
    fn: (c: Connection) => Promise<T>,
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<T> {
    const c = await this.connection(timeoutMs);
    try {
      return await withTimeout(
        fn(c),
        timeoutMs,
        () => new Error(`${what}: no answer within ${timeoutMs} ms`),
      );
    } catch (e) {
      const type = (e as { type?: string }).type;
      if (type?.startsWith('org.freedesktop.systemd1.') || type?.startsWith('org.freedesktop.DBus.Error.')) {
        if (
          type === 'org.freedesktop.DBus.Error.NoReply' ||
          type === 'org.freedesktop.DBus.Error.Disconnected'
        ) {
          this.close();
          throw this.unavailable(e);
        }
        throw new AppError('SYSTEMD_ERROR', `${what}: ${(e as { text?: string }).text ?? errorMessage(e)}`, {
          cause: e,
        });
      }
      this.close();
      throw this.unavailable(e);
    }
  }

  /** Reads Manager.Version; resolves with "systemd <version>". */
  async ping(timeoutMs: number): Promise<string> {
    const version = await this.call(
      'Version',
      async (c) => {
        const props = (await c.bus.getProxyObject(SYSTEMD, MANAGER_PATH)).getInterface(
          'org.freedesktop.DBus.Properties',
        );
        return ((await props.Get?.(MANAGER_IFACE, 'Version')) as Variant<string>).value;
      },
      timeoutMs,
    );
    return `systemd ${version} (${this.scope} manager)`;
  }

  async restart(unit: string, timeoutMs: number): Promise<{ job: string; result: string }> {
    return this.job('RestartUnit', unit, timeoutMs);
  }

  async start(unit: string, timeoutMs: number): Promise<{ job: string; result: string }> {
    return this.job('StartUnit', unit, timeoutMs);
  }

  private async job(
    method: 'RestartUnit' | 'StartUnit',
    unit: string,
    timeoutMs: number,
  ): Promise<{ job: string; result: string }> {
    const c = await this.connection();
    const job = await this.call(
      `${method} ${unit}`,
      async () => (await c.manager[method]?.(unit, 'replace')) as string,
    );
    const early = c.finished.get(job);
    if (early) {
      c.finished.delete(job);
      return early;
    }
    try {
      return await withTimeout(
        new Promise<JobResult>((resolve) => c.waiters.set(job, resolve)),
        timeoutMs,
        () =>
          new AppError(
            'SYSTEMD_ERROR',
            `${method === 'StartUnit' ? 'start' : 'restart'} of ${unit}: job ${job} did not finish within ${timeoutMs} ms`,
          ),
      );
    } finally {
      c.waiters.delete(job);
    }
  }

  private async unitProperties(c: Connection, unit: string, iface: string): Promise<Record<string, Variant>> {
    const path = (await c.manager.LoadUnit?.(unit)) as string;
    return this.getAll(c, path, iface);
  }

  /**
   * Properties.GetAll as one plain method call: a proxy object (getProxyObject) first introspects the unit,
   * a second round trip and the parse of a large XML document on every call, while the health gate and the
   * dependents gate read units' states on every poll.
   */
  private async getAll(c: Connection, path: string, iface: string): Promise<Record<string, Variant>> {
    const reply = await c.bus.call(
      new c.Message({
        destination: SYSTEMD,
        path,
        interface: 'org.freedesktop.DBus.Properties',
        member: 'GetAll',
        signature: 's',
        body: [iface],
      }),
    );
    return (reply?.body[0] ?? {}) as Record<string, Variant>;
  }

  async dependencies(unit: string): Promise<UnitDependencies> {
    return this.call(`dependencies of ${unit}`, async (c) => {
      const u = await this.unitProperties(c, unit, 'org.freedesktop.systemd1.Unit');
      const names = (k: string): string[] => {
        const v = u[k]?.value as unknown;
        return Array.isArray(v) ? v.map(String) : [];
      };
      return {
        after: names('After'),
        before: names('Before'),
        requires: names('Requires'),
        bindsTo: names('BindsTo'),
        partOf: names('PartOf'),
        wants: names('Wants'),
        requiredBy: names('RequiredBy'),
        boundBy: names('BoundBy'),
        consistsOf: names('ConsistsOf'),
      };
    });
  }

  /** ExecStart is a(sasbttttuii): path, argv, ignore failure, then timestamps and the last run's status. */
  async execStart(unit: string): Promise<ExecCommand[]> {
    if (!unit.endsWith('.service')) return [];
    return this.call(`ExecStart of ${unit}`, async (c) => {
      const s = await this.unitProperties(c, unit, 'org.freedesktop.systemd1.Service');
      const rows = (s.ExecStart?.value ?? []) as unknown[][];
      return rows.map((r) => ({
        path: String(r[0]),
        argv: (r[1] as unknown[]).map(String),
        ignoreFailure: r[2] === true,
      }));
    });
  }

  /** The manager's first ".control" directory on its search path: persistent, and meant for programs. */
  private async controlDir(c: Connection): Promise<string> {
    if (this.control) return this.control;
    const props = (await c.bus.getProxyObject(SYSTEMD, MANAGER_PATH)).getInterface(
      'org.freedesktop.DBus.Properties',
    );
    const paths = ((await props.Get?.(MANAGER_IFACE, 'UnitPath')) as Variant<string[]>).value;
    const dir = paths.find((p) => p.endsWith('.control'));
    if (!dir) throw new AppError('SYSTEMD_ERROR', `the ${this.scope} manager has no .control directory`);
    this.control = dir;
    return dir;
  }

  async setDropIn(unit: string, name: string, text: string | null): Promise<void> {
    const c = await this.connection();
    const dir = join(await this.call('UnitPath', (conn) => this.controlDir(conn)), `${unit}.d`);
    const file = join(dir, `${name}.conf`);
    try {
      if (text === null) {
        const existed = await rm(file).then(
          () => true,
          (e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT') return false;
            throw e;
          },
        );
        if (!existed) return;
        await rmdir(dir).catch(() => undefined);
      } else {
        await mkdir(dir, { recursive: true });
        // Whole or not at all: a reload must never read half a drop-in.
        await writeFile(`${file}.tmp`, text, { mode: 0o644 });
        await rename(`${file}.tmp`, file);
      }
    } catch (e) {
      throw new AppError('SYSTEMD_ERROR', `drop-in ${file}: ${errorMessage(e)}`, { cause: e });
    }
    await this.call('Reload', async () => {
      await c.manager.Reload?.();
    });
  }

  /** ListUnitsByNames: one call for all names; it reports units without a file as "not-found". */
  async loadStates(units: readonly string[]): Promise<Map<string, LoadState>> {
    if (units.length === 0) return new Map();
    return this.call(`ListUnitsByNames (${units.length} units)`, async (c) => {
      const rows = (await c.manager.ListUnitsByNames?.([...units])) as unknown[][];
      return new Map(rows.map((r) => [String(r[0]), String(r[2])]));
    });
  }

  async resetFailed(unit: string): Promise<void> {
    await this.call(`ResetFailedUnit ${unit}`, async (c) => {
      await c.manager.ResetFailedUnit?.(unit);
    });
  }

  async state(unit: string): Promise<UnitState> {
    return this.call(`properties of ${unit}`, async (c) => {
      const path = (await c.manager.LoadUnit?.(unit)) as string;
      const [u, s] = await Promise.all([
        this.getAll(c, path, 'org.freedesktop.systemd1.Unit'),
        unit.endsWith('.service') ? this.getAll(c, path, 'org.freedesktop.systemd1.Service') : {},
      ]);
      const v = (r: Record<string, Variant>, k: string): unknown => r[k]?.value;
      const str = (x: unknown): string => (typeof x === 'string' ? x : '');
      return {
        activeState: str(v(u, 'ActiveState')),
        subState: str(v(u, 'SubState')),
        result: str(v(s, 'Result')),
        nRestarts: typeof v(s, 'NRestarts') === 'number' ? (v(s, 'NRestarts') as number) : null,
        mainPid: Number(v(s, 'MainPID') ?? 0),
        invocationId: bytesToHex(v(u, 'InvocationID')),
      };
    });
  }

  /** UnitFileState (enabled, disabled, static, ...) and ActiveState of any unit, loaded or not. */
  async unitFile(unit: string): Promise<{ unitFileState: string; activeState: string }> {
    return this.call(`unit file of ${unit}`, async (c) => {
      const path = (await c.manager.LoadUnit?.(unit)) as string;
      const props = (await c.bus.getProxyObject(SYSTEMD, path)).getInterface(
        'org.freedesktop.DBus.Properties',
      );
      const get = props.Get as (iface: string, name: string) => Promise<Variant<string>>;
      const unitIface = 'org.freedesktop.systemd1.Unit';
      return {
        unitFileState: (await get(unitIface, 'UnitFileState')).value,
        activeState: (await get(unitIface, 'ActiveState')).value,
      };
    });
  }

  /** The unit the process `pid` belongs to (its service, or a scope of a session); undefined when none. */
  async unitOfPid(pid: number): Promise<string | undefined> {
    try {
      return await this.call(`GetUnitByPID ${pid}`, async (c) => {
        const path = (await c.manager.GetUnitByPID?.(pid)) as string;
        const props = (await c.bus.getProxyObject(SYSTEMD, path)).getInterface(
          'org.freedesktop.DBus.Properties',
        );
        return ((await props.Get?.('org.freedesktop.systemd1.Unit', 'Id')) as Variant<string>).value;
      });
    } catch (e) {
      if (e instanceof AppError && e.code === 'SYSTEMD_ERROR') return undefined;
      throw e;
    }
  }

  /**
   * A transient timer `timer` that starts the service of the same name once, at `at` (to the second, never
   * earlier), replacing any timer of that name. It unloads itself once it elapsed (RemainAfterElapse=no).
   */
  async startTransientTimer(timer: string, at: number): Promise<void> {
    const { Variant } = (await import('dbus-next')).default;
    const seconds = Math.ceil(at / 1000) * 1000;
    const calendar = new Date(seconds)
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC');
    await this.stopTimer(timer);
    const properties = [
      ['Description', new Variant('s', 'podup: run the next schedule or deferred task (set by podup)')],
      ['TimersCalendar', new Variant('a(ss)', [['OnCalendar', calendar]])],
      // The default accuracy is a minute; a schedule with seconds must not wait for it.
      ['AccuracyUSec', new Variant('t', BigInt(1_000_000))],
      ['RemainAfterElapse', new Variant('b', false)],
    ];
    // A stopped transient unit is unloaded soon after its stop job, not always before the next call.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.call(`StartTransientUnit ${timer}`, async (c) => {
          await c.manager.StartTransientUnit?.(timer, 'replace', properties, []);
        });
        return;
      } catch (e) {
        if (attempt >= 20 || !/already loaded|already exists/i.test(errorMessage(e))) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Stops (and so unloads) the transient timer; nothing to do when there is none. */
  async stopTimer(timer: string): Promise<void> {
    try {
      await this.call(`StopUnit ${timer}`, async (c) => {
        await c.manager.StopUnit?.(timer, 'replace');
      });
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'SYSTEMD_ERROR' && /not loaded|not found/i.test(e.message)))
        throw e;
    }
  }

  /** The next time the timer elapses (unix ms), undefined when it is not loaded or has nothing ahead. */
  async timerNext(timer: string): Promise<number | undefined> {
    return this.call(`next elapse of ${timer}`, async (c) => {
      let path: string;
      try {
        path = (await c.manager.GetUnit?.(timer)) as string;
      } catch {
        return undefined;
      }
      const props = (await c.bus.getProxyObject(SYSTEMD, path)).getInterface(
        'org.freedesktop.DBus.Properties',
      );
      const usec = (
        (await props.Get?.('org.freedesktop.systemd1.Timer', 'NextElapseUSecRealtime')) as Variant<
          bigint | number
        >
      ).value;
      const ms = Number(BigInt(usec) / 1000n);
      return ms > 0 && ms < 2 ** 53 / 1000 ? ms : undefined;
    });
  }

  /** journalctl for the unit, in the manager's scope. */
  journal(unit: string, lines: number): Promise<string[]> {
    const args = [
      ...(this.scope === 'user' ? ['--user'] : []),
      '-u',
      unit,
      '-n',
      String(lines),
      '--no-pager',
      '-o',
      'short-iso',
    ];
    return new Promise((resolve, reject) => {
      execFile('journalctl', args, { timeout: 5000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (err) {
          reject(new AppError('SYSTEMD_ERROR', stderr.trim() || err.message, { cause: err }));
          return;
        }
        resolve(stdout.split('\n').filter((l) => l.trim() && !l.startsWith('-- No entries --')));
      });
    });
  }

  close(): void {
    const bus = this.currentBus;
    this.conn = undefined;
    this.currentBus = undefined;
    bus?.disconnect();
  }
}
