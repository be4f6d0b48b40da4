/** podup events: the event log from the state database, read-only (safe while the server runs). */
import type { Config } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import { EventStore } from '../../db/event-store.js';
import { parseTimeFilter } from '../../domain/events/time-filter.js';
import { AppError } from '../../errors.js';
import { EventsQuery } from '../../http/contract.js';
import { toApiEvent } from '../../http/routes/events.js';
import { printJson, printTable, truncate } from '../output.js';

export interface EventsOptions {
  limit?: string;
  route?: string;
  outcome?: string;
  event?: string;
  delivery?: string;
  image?: string;
  task?: string;
  status?: string;
  since?: string;
  until?: string;
  json?: boolean;
}

export function eventsCommand(config: Config, opts: EventsOptions): number {
  const { json, ...filters } = opts;
  const parsed = EventsQuery.safeParse(
    Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
  );
  if (!parsed.success) {
    throw new AppError(
      'INVALID_QUERY',
      parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '),
    );
  }
  const q = parsed.data;
  const now = Date.now();
  const time = (name: 'since' | 'until') => {
    const text = q[name];
    if (text === undefined) return undefined;
    const t = parseTimeFilter(text, now);
    if (t === undefined)
      throw new AppError('INVALID_QUERY', `--${name}: use an ISO date, unix ms or a duration such as 24h`);
    return t;
  };
  const db = openDatabase({ stateDir: config.stateDir, dbPath: config.dbPath, readonly: true });
  try {
    const rows = new EventStore(db).list({
      route: q.route,
      outcome: q.outcome,
      event: q.event,
      delivery: q.delivery,
      image: q.image,
      taskId: q.task,
      status: q.status,
      since: time('since'),
      until: time('until'),
      limit: q.limit,
    });
    const events = rows.map(toApiEvent);
    if (json) {
      printJson({ events, nextCursor: null });
      return 0;
    }
    printTable(
      ['TIME', 'STATUS', 'REQUEST', 'OUTCOME', 'DELIVERY', 'IMAGE', 'TASK', 'REASON'],
      events.map((e) => [
        e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        String(e.status),
        `${e.method} ${truncate(e.route, 40)}`,
        e.outcome,
        e.delivery ?? '-',
        truncate(e.image ?? '-', 48),
        e.taskId ?? '-',
        truncate(e.reason ?? '', 60),
      ]),
    );
    return 0;
  } finally {
    db.close();
  }
}
