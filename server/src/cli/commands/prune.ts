/** podup prune: retention for events, delivery ids, finished tasks, vanished units, sessions; then VACUUM. */
import type { Config } from '../../config.js';
import { withBackend } from '../backend.js';
import { printJson } from '../output.js';

export interface PruneOptions {
  olderThan: string;
  tasksOlderThan: string;
  unitsOlderThan: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function pruneCommand(config: Config, opts: PruneOptions): Promise<number> {
  const r = await withBackend(config, {}, (b) =>
    b.prune({
      olderThan: opts.olderThan,
      tasksOlderThan: opts.tasksOlderThan,
      unitsOlderThan: opts.unitsOlderThan,
      dryRun: opts.dryRun ?? false,
    }),
  );
  if (opts.json) {
    printJson(r);
    return 0;
  }
  const verb = r.dryRun ? 'would remove' : 'removed';
  const n = r.removed;
  process.stdout.write(
    `${verb} ${n.events} events and ${n.deliveries} delivery ids older than ${r.cutoffs.events} ` +
      `(and ${n.requestCounts} request-count rows), ` +
      `${n.tasks} finished tasks (${n.taskLogs} log lines) older than ${r.cutoffs.tasks}, ` +
      `${n.units} units gone since ${r.cutoffs.units}, ${n.sessions} expired sessions, ` +
      `${n.rateLimits} expired rate-limit rows, ${n.notifications} delivered notifications, ` +
      `${n.idempotencyKeys} idempotency keys\n`,
  );
  if (r.compacted) process.stdout.write(`database ${r.bytesBefore} -> ${r.bytesAfter} bytes after VACUUM\n`);
  return 0;
}
