/** podup events: the event log from the state database, read-only (safe while the server runs). */
import type { Config } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import { EventStore } from '../../db/event-store.js';
import { parseEventsQuery } from '../../http/events-query.js';
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
  const raw = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined));
  const query = parseEventsQuery(raw, Date.now(), (field) => `--${field}`);
  const db = openDatabase({ stateDir: config.stateDir, dbPath: config.dbPath, readonly: true });
  try {
    const rows = new EventStore(db).list(query);
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
