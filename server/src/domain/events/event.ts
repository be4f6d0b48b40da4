/**
 * One row of the event log: a request a use case decided or an admin action (one row each), or rejections
 * folded per source, route, status and minute (one row with a count). Successful reads are counted, not
 * stored (domain/events/request-disposition.ts).
 */

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
  /** Set on a row that folds rejections (domain/events/rejection-folds.ts): the requests it stands for. */
  count?: number | undefined;
  /** Who acted: "admin", an API token's name, "github"; null for requests no credential vouched for. */
  actor: string | null;
}

export interface StoredEvent extends EventRow {
  id: number;
  /** The requests this row stands for: 1, or more for folded rejections. */
  count: number;
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
  /** Only deliveries (contract/traffic.ts): no panel, health or failed-read traffic. */
  deliveriesOnly?: boolean | undefined;
  /** Only events with id below this (cursor pagination, newest first). */
  beforeId?: number | undefined;
  limit: number;
}
