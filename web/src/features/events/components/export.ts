import type { ApiEvent } from '@contract';
import { toCsv } from '@/lib/download';

export const EVENT_COLUMNS = [
  'id',
  'time',
  'requestId',
  'route',
  'method',
  'status',
  'count',
  'outcome',
  'event',
  'action',
  'image',
  'delivery',
  'taskId',
  'source',
  'durationMs',
  'reason',
] as const satisfies ReadonlyArray<keyof ApiEvent>;

/** The loaded events as CSV: one header line, then one line per event, in the order shown. */
export const eventsToCsv = (events: readonly ApiEvent[]): string =>
  toCsv(
    EVENT_COLUMNS,
    // A server without folded rows sends no count: each row is one request.
    events.map((e) => EVENT_COLUMNS.map((c) => (c === 'count' ? (e.count ?? 1) : e[c]))),
  );

export const eventsToJson = (events: readonly ApiEvent[]): string => `${JSON.stringify(events, null, 2)}\n`;
