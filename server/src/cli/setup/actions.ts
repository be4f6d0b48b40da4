/**
 * What `podup setup` does to the host, one action at a time, each reported as one line: what it did (or, with
 * --dry-run, would do) to what, and whether that changed anything. Files are compared first and written only
 * when their content or mode differs, so a second run changes nothing and says so.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { SystemdScope } from '../../config.js';
import { AppError, errorMessage } from '../../errors.js';
import { currentUser, lingering } from '../linger.js';

export interface SetupLine {
  /** What was done: created, updated, generated, removed, ran, unchanged, ... */
  verb: string;
  target: string;
  detail?: string | undefined;
  changed: boolean;
  /** A file's text as it would be written, shown by --dry-run (unit files only: never a secret). */
  content?: string | undefined;
}

export class SetupLog {
  readonly lines: SetupLine[] = [];
  constructor(
    readonly dryRun: boolean,
    private readonly print: (line: SetupLine, dryRun: boolean) => void,
  ) {}

  add(verb: string, target: string, changed: boolean, detail?: string, content?: string): void {
    const line = { verb, target, detail, changed, content };
    this.lines.push(line);
    this.print(line, this.dryRun);
  }

  get changed(): boolean {
    return this.lines.some((l) => l.changed);
  }
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const modeOf = (path: string): number | undefined => {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
};

export function ensureDir(log: SetupLog, path: string, mode: number): boolean {
  if (existsSync(path)) return false;
  if (!log.dryRun) mkdirSync(path, { recursive: true, mode });
  log.add('created', path, true);
  return true;
}

export interface FileOptions {
  mode: number;
  /** What the file is, for the report (e.g. "admin token"). */
  what: string;
  /** The verb for a file that did not exist (default: created). */
  createVerb?: string;
  /** --dry-run shows the text it would write (for files that hold no secret). */
  show?: boolean;
}

/** Writes `content` to `path` unless it is there already, with `mode`; through a temporary file and a rename. */
export function ensureFile(log: SetupLog, path: string, content: string, options: FileOptions): boolean {
  const current = readText(path);
  const label = `${path} (${options.what})`;
  if (current === content && modeOf(path) === options.mode) {
    log.add('unchanged', label, false);
    return false;
  }
  if (!log.dryRun) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    const tmp = join(dirname(path), `.${Date.now()}.${process.pid}.podup-setup`);
    writeFileSync(tmp, content, { mode: options.mode });
    // The umask may have taken bits away from `mode` when the file was created.
    chmodSync(tmp, options.mode);
    renameSync(tmp, path);
  }
  const verb =
    current === undefined ? (options.createVerb ?? 'created') : current === content ? 'chmod' : 'updated';
  const mode = `mode ${options.mode.toString(8).padStart(4, '0')}`;
  log.add(verb, label, true, mode, options.show && log.dryRun ? content : undefined);
  return true;
}

export function removePath(
  log: SetupLog,
  path: string,
  what: string,
  options: { recursive?: boolean; detail?: string } = {},
): boolean {
  if (!existsSync(path)) return false;
  if (!log.dryRun) rmSync(path, { recursive: options.recursive ?? false, force: true });
  log.add('removed', `${path} (${what})`, true, options.detail);
  return true;
}

/**
 * Removes `path` from `dir`, a directory its owner keeps read-only (systemd's credentials directory is 0500
 * once written): made writable for the removal and put back as it was. Everything when `path` is `dir`.
 */
export function removeFromReadOnlyDir(
  log: SetupLog,
  dir: string,
  path: string,
  what: string,
  detail?: string,
): boolean {
  if (!existsSync(path)) return false;
  if (!log.dryRun) {
    const mode = statSync(dir).mode & 0o777;
    chmodSync(dir, mode | 0o700);
    try {
      rmSync(path, { recursive: path === dir, force: true });
    } finally {
      if (path !== dir) chmodSync(dir, mode);
    }
  }
  log.add('removed', `${path} (${what})`, true, detail);
  return true;
}

/** Removes `dir` when empty; says what keeps it otherwise. */
export function removeDirIfEmpty(log: SetupLog, dir: string, what: string, removedInside: string[]): void {
  if (!existsSync(dir)) return;
  const left = readdirSync(dir).filter((f) => !removedInside.includes(f));
  if (left.length > 0) {
    log.add('kept', `${dir} (${what})`, false, `holds ${left.join(', ')}`);
    return;
  }
  if (!log.dryRun) rmdirSync(dir);
  log.add('removed', `${dir} (${what})`, true);
}

export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[]): CommandResult {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return { status: -1, stdout: '', stderr: errorMessage(r.error) };
  return { status: r.status ?? -1, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/** What setup asks of the service manager: queries, and changes it reports (systemctl; a fake in unit tests). */
export interface ManagerControl {
  /** A query's output whatever its exit status (is-active says "inactive" with status 3). */
  query(...args: string[]): string;
  /** A change, reported in `log`; with --dry-run only reported. */
  change(log: SetupLog, verb: string, target: string, ...args: string[]): void;
}

/** The parts of the host setup reads and changes besides files: the service manager and lingering. */
export interface SetupHost {
  systemctl: ManagerControl;
  /** The user setup runs as. */
  user: string;
  lingering(user: string): boolean;
  /** loginctl enable-linger. */
  enableLinger(user: string): CommandResult;
  /**
   * Where the user manager keeps its copies of podup.service's credentials ($XDG_RUNTIME_DIR/credentials/
   * podup.service). systemd 252 leaves them there when the unit stops, and when a credential's file is gone
   * later the default of SetCredential= is not written over the old copy: the old value stays in effect until
   * the runtime directory goes (logout, reboot). Undefined for the system manager, which mounts them afresh.
   */
  credentialCopies: string | undefined;
}

export function realSetupHost(scope: SystemdScope, env = process.env): SetupHost {
  const runtime = env.XDG_RUNTIME_DIR?.trim();
  return {
    credentialCopies: scope === 'user' && runtime ? join(runtime, 'credentials', 'podup.service') : undefined,
    systemctl: new Systemctl(scope),
    user: currentUser(),
    lingering: (user) => lingering(user),
    enableLinger: (user) => run('loginctl', ['enable-linger', user]),
  };
}

/** systemctl of the manager of `scope`. */
export class Systemctl implements ManagerControl {
  constructor(private readonly scope: SystemdScope) {}

  private args(args: string[]): string[] {
    return this.scope === 'user' ? ['--user', ...args] : args;
  }

  query(...args: string[]): string {
    return run('systemctl', this.args(args)).stdout;
  }

  /** A failure stops setup with systemctl's own words. */
  change(log: SetupLog, verb: string, target: string, ...args: string[]): void {
    const shown = `systemctl${this.scope === 'user' ? ' --user' : ''} ${args.join(' ')}`;
    if (!log.dryRun) {
      const r = run('systemctl', this.args(args));
      if (r.status !== 0) {
        throw new AppError(
          'SYSTEMD_ERROR',
          `${shown} failed: ${r.stderr || r.stdout || `exit ${r.status}`}`,
          {
            hint:
              this.scope === 'user'
                ? 'run podup setup --user as the user podup runs as, in a session with its user manager (XDG_RUNTIME_DIR set), or enable lingering first'
                : 'run podup setup --system as root on a host booted with systemd',
          },
        );
      }
    }
    log.add(verb, target, true, shown);
  }
}
