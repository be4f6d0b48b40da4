/**
 * Who calls a use case and, for a call that arrived over HTTP, the event-log row it leaves. A use case that
 * changes something writes that row inside its own unit of work (so an acknowledged change and its row commit
 * together); any other request gets its row from the audit use case after the reply is chosen.
 */
import type { Grant } from '../domain/auth/grant.js';
import type { EventRow, Outcome } from '../domain/events/event.js';

/** What the event-log row of a request says beyond method, route and status. */
export interface AuditFields {
  delivery?: string | undefined;
  event?: string | undefined;
  action?: string | undefined;
  image?: string | undefined;
  outcome?: Outcome | undefined;
  reason?: string | undefined;
  taskId?: string | undefined;
  /** Who acted (set by the credential check, not by the request). */
  actor?: string | undefined;
}

export interface RequestTrace {
  id: string;
  /** The route pattern (/api/tasks/:id), or the path when no route matched. */
  route: string;
  method: string;
  /** The client address (the proxy's X-Forwarded-For only from PODUP_TRUST_PROXY peers). */
  source: string | null;
  elapsedMs(): number;
  /** Filled in by the HTTP layer (errors) and by use cases (what they decided). */
  fields: AuditFields;
  /** Set once the row is committed: nothing writes a second one. */
  recorded: boolean;
}

export interface Origin {
  /** Who acts, as recorded on tasks and log lines: "admin", an API token's name, "github hook 42", "cli:alice". */
  actor: string;
  /** What the credential may do; undefined for podup's own callers (the CLI in-process, signed webhooks). */
  grant?: Grant | undefined;
  /** Present when the call arrived over HTTP. */
  request?: RequestTrace | undefined;
}

const MAX_ROUTE = 200;

/** The default outcome of a row whose use case chose none. */
export function outcomeOfStatus(status: number): Outcome {
  return status >= 500 ? 'error' : status === 429 ? 'rate-limited' : status >= 400 ? 'rejected' : 'ok';
}

const FAILED: ReadonlySet<Outcome> = new Set(['rejected', 'rate-limited', 'error']);

export const isFailedOutcome = (outcome: Outcome | undefined): boolean =>
  outcome !== undefined && FAILED.has(outcome);

/**
 * The outcome a row or log line shows: the one chosen, when it agrees with the status (a failure for >= 400,
 * anything else below), else the status's own. A decision whose commit failed must not read as accepted.
 */
export function outcomeFor(status: number, chosen: Outcome | undefined): Outcome {
  return chosen !== undefined && isFailedOutcome(chosen) === status >= 400 ? chosen : outcomeOfStatus(status);
}

/**
 * The row of a request with what its use case decided, written inside that use case's unit of work. The trace
 * learns the decision only through `recorded`, once the unit of work committed: a failed commit leaves it
 * without an outcome or task it never had.
 */
export function decidedRow(trace: RequestTrace, decided: AuditFields, status: number, now: number): EventRow {
  return eventRow({ ...trace, fields: { ...trace.fields, ...decided } }, status, now);
}

export function recorded(trace: RequestTrace | undefined, decided: AuditFields): void {
  if (!trace) return;
  Object.assign(trace.fields, decided);
  trace.recorded = true;
}

export function eventRow(trace: RequestTrace, status: number, now: number): EventRow {
  const a = trace.fields;
  return {
    ts: now,
    requestId: trace.id,
    route: trace.route.slice(0, MAX_ROUTE),
    method: trace.method,
    status,
    delivery: a.delivery ?? null,
    event: a.event ?? null,
    action: a.action ?? null,
    image: a.image ?? null,
    outcome: outcomeFor(status, a.outcome),
    reason: a.reason ?? null,
    taskId: a.taskId ?? null,
    source: trace.source,
    durationMs: Math.round(trace.elapsedMs() * 100) / 100,
    actor: a.actor ?? null,
  };
}
