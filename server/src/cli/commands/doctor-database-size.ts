/** podup doctor's line on the state's size: used against PODUP_MAX_DB_SIZE, rows per table, free disk. */
import { statfsSync } from 'node:fs';
import type { Config } from '../../config.js';
import type { Database } from '../../db/database.js';
import { createStores } from '../../db/stores.js';
import type { DoctorLine } from './doctor.js';

const MIB = 2 ** 20;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0)} MiB`;
/** Warn this close to the cap (the server sheds down to 90% once it reaches it) or to a full disk. */
const NEAR_CAP = 0.8;
const LOW_DISK_BYTES = 256 * MIB;

/** How big the state is, against PODUP_MAX_DB_SIZE and the free space of its file system. */
export function databaseSize(config: Pick<Config, 'stateDir' | 'maxDbBytes'>, db: Database): DoctorLine {
  const check = 'database size';
  const { retention, requestCounts } = createStores(db).stores;
  const s = retention.sizes();
  const fs = statfsSync(config.stateDir);
  const free = fs.bavail * fs.bsize;
  const noise = requestCounts.totals(Date.now() - 86_400_000, 1_000).reduce((sum, c) => sum + c.count, 0);
  const detail =
    `${mib(s.usedBytes)} used of the ${mib(config.maxDbBytes)} cap (file ${mib(s.fileBytes)}, WAL ${mib(s.walBytes)}); ` +
    `${s.rows.events} events, ${s.rows.tasks} tasks, ${s.rows.taskLogs} task log lines, ` +
    `${s.rows.requestCounts} request-count rows (${noise} requests counted, not stored, in 24 h), ` +
    `${s.rows.rateLimits} rate-limit rows; ${mib(free)} free in ${config.stateDir}`;
  if (free < LOW_DISK_BYTES)
    return { check, level: 'warn', detail, fix: `free space on the file system of ${config.stateDir}` };
  if (s.usedBytes >= config.maxDbBytes * NEAR_CAP)
    return {
      check,
      level: 'warn',
      detail,
      fix: 'podup sheds noise and then the oldest events at the cap: raise PODUP_MAX_DB_SIZE, or prune old tasks (podup prune --tasks-older-than 30d)',
    };
  return { check, level: 'ok', detail };
}
