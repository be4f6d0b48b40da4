/** podup events: the event log, newest first. */
import type { Config } from '../../config.js';
import { withBackend } from '../backend.js';
import { shortTime } from '../format.js';
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
  traffic?: string;
  json?: boolean;
}

export async function eventsCommand(config: Config, opts: EventsOptions): Promise<number> {
  const { json, ...filters } = opts;
  const query = Object.fromEntries(
    Object.entries(filters).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const page = await withBackend(config, { readOnly: true }, (b) => b.events(query));
  if (json) {
    printJson(page);
    return 0;
  }
  printTable(
    ['TIME', 'STATUS', 'REQUEST', 'OUTCOME', 'DELIVERY', 'IMAGE', 'TASK', 'REASON'],
    page.events.map((e) => [
      shortTime(e.time),
      // A folded row stands for several refusals: "401 x37".
      (e.count ?? 1) > 1 ? `${e.status} x${e.count}` : String(e.status),
      `${e.method} ${truncate(e.route, 40)}`,
      e.outcome,
      e.delivery ?? '-',
      truncate(e.image ?? '-', 48),
      e.taskId ?? '-',
      truncate(e.reason ?? '', 60),
    ]),
  );
  return 0;
}
