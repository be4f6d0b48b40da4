/** One row of the event log: every HTTP request, and later every system action, is one event. */

export const OUTCOMES = [
  'ok',
  'accepted',
  'duplicate',
  'ignored',
  'recorded',
  'pong',
  'rejected',
  'rate-limited',
  'error',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface EventRow {
  ts: number;
  requestId: string;
  route: string;
  method: string;
  status: number;
  delivery: string | null;
  event: string | null;
  action: string | null;
  image: string | null;
  outcome: Outcome;
  reason: string | null;
  taskId: string | null;
  source: string | null;
  durationMs: number | null;
  /** Who acted: "admin", an API token's name, "github"; null for requests no credential vouched for. */
  actor: string | null;
}

export interface StoredEvent extends EventRow {
  id: number;
}

export interface EventQuery {
  route?: string | undefined;
  outcome?: Outcome | undefined;
  event?: string | undefined;
  delivery?: string | undefined;
  image?: string | undefined;
  taskId?: string | undefined;
  actor?: string | undefined;
  status?: number | undefined;
  since?: number | undefined;
  until?: number | undefined;
  /** Only events with id below this (cursor pagination, newest first). */
  beforeId?: number | undefined;
  limit: number;
}
