/** podup prune: retention for the event log, delivery ids and rate-limit rows, then VACUUM. */
import ms from 'ms';
import type { Config } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import { prune } from '../../db/prune.js';
import { createStores } from '../../db/stores.js';
import { AppError } from '../../errors.js';
import { printJson } from '../output.js';

export function pruneCommand(
  config: Config,
  opts: { olderThan: string; dryRun?: boolean; json?: boolean },
): number {
  const olderThanMs = ms(opts.olderThan as ms.StringValue);
  if (typeof olderThanMs !== 'number' || !(olderThanMs > 0)) {
    throw new AppError(
      'BAD_REQUEST',
      `--older-than must be a duration such as 30d or 12h (got "${opts.olderThan}")`,
    );
  }
  const db = openDatabase({ stateDir: config.stateDir, dbPath: config.dbPath, sync: config.dbSync });
  try {
    const result = prune(createStores(db), Date.now(), olderThanMs, opts.dryRun ?? false);
    if (opts.json) {
      printJson(result);
    } else {
      const verb = result.dryRun ? 'would remove' : 'removed';
      const { events, deliveries, rateLimits } = result.removed;
      process.stdout.write(
        `${verb} ${events} events and ${deliveries} delivery ids older than ${result.cutoff}, ` +
          `${rateLimits} expired rate-limit rows\n`,
      );
      if (result.vacuumed) {
        process.stdout.write(
          `database ${result.dbBytesBefore} -> ${result.dbBytesAfter} bytes after VACUUM\n`,
        );
      }
    }
    return 0;
  } finally {
    db.close();
  }
}
