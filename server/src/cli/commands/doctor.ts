/**
 * podup doctor: one screen, one line per part, each ok / warn / FAIL with the fix.
 * Exit status 1 when any line fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PodmanApi } from '../../adapters/podman/podman-api.js';
import { pingRegistry } from '../../adapters/registry/registry-ping.js';
import { SystemdBus } from '../../adapters/systemd/systemd-bus.js';
import type { Config } from '../../config.js';
import { openDatabase, type Database } from '../../db/database.js';
import { createStores } from '../../db/stores.js';
import { autoUpdateTimerLine, timerUnits } from './doctor-auto-update-timer.js';
import { databaseSize } from './doctor-database-size.js';
import type { ScheduleRecord } from '../../domain/schedules/schedule.js';
import { dbProbe } from '../../db/db-probe.js';
import { AppError, errorMessage } from '../../errors.js';
import { snapshotState } from '../../snapshot/stamp.js';
import { NoticeService } from '../../use-cases/notices.js';
import { PACKAGE_ROOT, VERSION } from '../../version.js';
import { installPaths, withInstalledInstance } from '../installed.js';
import { currentUser, lingering } from '../linger.js';
import { printJson } from '../output.js';

export type Level = 'ok' | 'warn' | 'fail';

export interface DoctorLine {
  check: string;
  level: Level;
  detail: string;
  fix?: string | undefined;
}

const TIMEOUT_MS = 3000;

async function probe(check: string, run: () => Promise<string> | string): Promise<DoctorLine> {
  try {
    return { check, level: 'ok', detail: await run() };
  } catch (e) {
    return { check, level: 'fail', detail: errorMessage(e), fix: e instanceof AppError ? e.hint : undefined };
  }
}

async function autoUpdateTimer(
  systemd: SystemdBus,
  podman: PodmanApi,
  config: Config,
  schedules: readonly ScheduleRecord[] | undefined,
): Promise<DoctorLine> {
  try {
    const timer = await systemd.unitFile('podman-auto-update.timer');
    // Without Podman's answer, only a schedule of every unit surely covers the timer's units.
    const units = await podman.listContainers().then(timerUnits, () => null);
    return autoUpdateTimerLine(timer, config.systemdScope, schedules ?? [], units);
  } catch (e) {
    return {
      check: 'podman-auto-update.timer',
      level: 'warn',
      detail: `could not read its state: ${errorMessage(e)}`,
    };
  }
}

/**
 * PODUP_SNAPSHOT and PODUP_NODE are the launcher's settings, not the server's: read them as the units pass them
 * (the env file too), and look for the blob where bin/podup-serve does (the units' cache directory first).
 */
function startupSnapshot(config: Config): DoctorLine {
  const check = 'startup snapshot';
  const env = withInstalledInstance(process.env, process.getuid?.() ?? 1000);
  const paths = installPaths(env, config.systemdScope);
  const installed = existsSync(join(paths.unitDir, 'podup.service'));
  // A checkout has its sources; an installed package builds its snapshot with podup setup.
  const checkout = existsSync(join(PACKAGE_ROOT, 'server', 'src'));
  const snapshot = snapshotState({
    env,
    nodePath: env.PODUP_NODE?.trim() || process.execPath,
    ...(installed ? { cacheDir: paths.cacheDir } : {}),
  });
  if (snapshot.status !== 'unused') return { check, level: 'ok', detail: snapshot.detail };
  const user = config.systemdScope === 'user' ? ' --user' : ' --system';
  return {
    check,
    level: 'warn',
    detail: snapshot.detail,
    fix:
      installed || !checkout
        ? `run "podup setup${user}" again: it builds the snapshot for this node and this podup (or set PODUP_SNAPSHOT=off in ${paths.envFile} to start without it on purpose)`
        : 'run "npm run build" in the podup checkout (with the node that runs podup) for fast cold starts (or set PODUP_SNAPSHOT=off to start without it on purpose)',
  };
}

/** The socket unit `podup setup` installs; a podup run by hand has none, which is fine. */
async function podupSocket(systemd: SystemdBus, config: Config): Promise<DoctorLine> {
  const check = 'podup.socket';
  const user = config.systemdScope === 'user' ? ' --user' : '';
  try {
    const s = await systemd.unitFile(check);
    if (!s.unitFileState) return { check, level: 'ok', detail: 'not installed (podup setup installs it)' };
    if (s.unitFileState === 'enabled' && s.activeState === 'active')
      return { check, level: 'ok', detail: 'enabled, listening' };
    return {
      check,
      level: 'warn',
      detail: `${s.unitFileState}, ${s.activeState}: webhooks do not start podup`,
      fix: `systemctl${user} enable --now podup.socket (or podup setup${user || ' --system'} again)`,
    };
  } catch (e) {
    return { check, level: 'warn', detail: `could not read its state: ${errorMessage(e)}` };
  }
}

/** A user manager without lingering stops, with podup's socket, at its user's last logout. */
function linger(): DoctorLine {
  const check = 'lingering';
  const user = currentUser();
  return lingering(user)
    ? { check, level: 'ok', detail: `on for ${user}: the user manager runs without a login` }
    : {
        check,
        level: 'warn',
        detail: `off for ${user}: podup.socket stops listening when ${user}'s last session ends`,
        fix: `loginctl enable-linger ${user}`,
      };
}

const NOTICE_MAX_AGE_MS = 7 * 86_400_000;

/** A reverse proxy podup does not trust makes every client look like the proxy (limits, event log). */
function reverseProxy(config: Config, db: Database): DoctorLine {
  const check = 'reverse proxy';
  const { stores, writes } = createStores(db);
  const notice = new NoticeService({ stores, writes, clock: { now: Date.now } }).untrustedProxy();
  if (notice && Date.now() - notice.at < NOTICE_MAX_AGE_MS) {
    return {
      check,
      level: 'warn',
      detail: `requests from ${notice.peer} carried X-Forwarded-For (last ${new Date(notice.at).toISOString()}), but PODUP_TRUST_PROXY does not trust that peer: every client looks like the proxy`,
      fix: `set PODUP_TRUST_PROXY=${notice.peer} (the proxy's address or network)`,
    };
  }
  return {
    check,
    level: 'ok',
    detail: config.trustProxy ? `trusted: ${config.trustProxy.join(', ')}` : 'no forwarded requests seen',
  };
}

export async function doctorLines(config: Config): Promise<DoctorLine[]> {
  const lines: DoctorLine[] = [
    {
      check: 'config',
      level: 'ok',
      detail: `listen ${config.httpAddr.host}:${config.httpAddr.port}, systemd ${config.systemdScope} scope, state ${config.stateDir}`,
    },
    config.webhookSecret
      ? { check: 'webhook secret', level: 'ok', detail: 'set' }
      : {
          check: 'webhook secret',
          level: 'fail',
          detail: 'not set: webhook routes answer 503',
          fix: 'set PODUP_GITHUB_WEBHOOK_SECRET (or _FILE, or the systemd credential github-webhook-secret)',
        },
    config.adminToken
      ? { check: 'admin token', level: 'ok', detail: 'set' }
      : {
          check: 'admin token',
          level: 'warn',
          detail: config.devOpenAdmin
            ? 'not set, admin API OPEN (PODUP_DEV_OPEN_ADMIN=1)'
            : 'not set: admin API answers 503',
          fix: 'set PODUP_ADMIN_TOKEN to a random string of 16+ characters (openssl rand -hex 32)',
        },
  ];
  lines.push(startupSnapshot(config));

  let dbLine: DoctorLine;
  let proxyLine: DoctorLine | undefined;
  let sizeLine: DoctorLine | undefined;
  let schedules: ScheduleRecord[] | undefined;
  try {
    const db = openDatabase({ stateDir: config.stateDir, dbPath: config.dbPath, sync: config.dbSync });
    try {
      proxyLine = reverseProxy(config, db);
      try {
        sizeLine = databaseSize(config, db);
      } catch (e) {
        sizeLine = { check: 'database size', level: 'warn', detail: `could not measure: ${errorMessage(e)}` };
      }
      schedules = createStores(db).stores.schedules.list();
      const version = db.pragma('user_version', { simple: true }) as number;
      const integrity = db.pragma('quick_check', { simple: true }) as string;
      const write = await dbProbe(db, config.stateDir).check(TIMEOUT_MS);
      dbLine =
        integrity === 'ok'
          ? { check: 'database', level: 'ok', detail: `${config.dbPath} (schema ${version}); ${write}` }
          : {
              check: 'database',
              level: 'fail',
              detail: `integrity check: ${integrity}`,
              fix: 'restore a backup of the state directory',
            };
    } finally {
      db.close();
    }
  } catch (e) {
    dbLine = {
      check: 'database',
      level: 'fail',
      detail: errorMessage(e),
      fix: e instanceof AppError ? e.hint : undefined,
    };
  }
  lines.push(
    { check: 'state dir', level: dbLine.level === 'ok' ? 'ok' : dbLine.level, detail: config.stateDir },
    dbLine,
    ...(sizeLine ? [sizeLine] : []),
    ...(proxyLine ? [proxyLine] : []),
  );

  const systemd = new SystemdBus(config.systemdScope, config.dbusAddress);
  const podman = new PodmanApi(config.podmanSocket);
  try {
    lines.push(
      ...(await Promise.all([
        probe(`systemd (${config.systemdScope})`, () => systemd.ping(TIMEOUT_MS)),
        podupSocket(systemd, config),
        ...(config.systemdScope === 'user' ? [Promise.resolve(linger())] : []),
        autoUpdateTimer(systemd, podman, config, schedules),
        probe('podman API', async () => `${config.podmanSocket}: ${await podman.ping(TIMEOUT_MS)}`),
        ...config.registryCheck.map((r) => probe(`registry ${r}`, () => pingRegistry(r, TIMEOUT_MS))),
      ])),
    );
  } finally {
    systemd.close();
    await podman.close();
  }
  return lines;
}

export function printDoctor(lines: readonly DoctorLine[]): void {
  process.stdout.write(`podup ${VERSION} doctor\n`);
  const width = Math.max(...lines.map((l) => l.check.length));
  for (const l of lines) {
    const mark = l.level === 'ok' ? 'ok  ' : l.level === 'warn' ? 'warn' : 'FAIL';
    process.stdout.write(`  ${mark}  ${l.check.padEnd(width)}  ${l.detail}\n`);
    if (l.fix && l.level !== 'ok') process.stdout.write(`        ${''.padEnd(width)}  fix: ${l.fix}\n`);
  }
}

export async function doctorCommand(config: Config, opts: { json?: boolean }): Promise<number> {
  const lines = await doctorLines(config);
  const failed = lines.some((l) => l.level === 'fail');
  if (opts.json) printJson({ version: VERSION, ok: !failed, checks: lines });
  else printDoctor(lines);
  return failed ? 1 : 0;
}
