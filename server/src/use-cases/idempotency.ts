/**
 * Idempotency-Key on the requests that create tasks: the first answer is recorded in the unit of work that
 * creates the task, and a retry with the same key (same credential, within a day) gets that answer back and
 * creates nothing new; the same key with another request is refused (422), as the IETF draft
 * "The Idempotency-Key HTTP Header Field" says.
 * Used by: POST /api/v1/tasks, POST /api/v1/units/:unit/update, POST /api/v1/tasks/:id/retry,
 * POST /api/v1/schedules/:name/run, POST /auto-update (trigger-units.ts, control-task.ts, scheduler.ts)
 */
import type { Stores } from '../domain/ports/index.js';
import { AppError } from '../errors.js';

/** A retry later than this is a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

export interface IdempotencyKey {
  key: string;
  /** Of the request's method, route and body (computed where the request is read). */
  fingerprint: string;
}

export type Replayed<T> = T & { replayed?: true };

/** The first answer to `idem` by `actor`, or undefined when there is none: the caller goes on and records its own. */
export function replay<T>(
  s: Pick<Stores, 'idempotency'>,
  actor: string,
  idem: IdempotencyKey | undefined,
  now: number,
): Replayed<T> | undefined {
  if (!idem) return undefined;
  const first = s.idempotency.find(actor, idem.key, now - IDEMPOTENCY_TTL_MS);
  if (!first) return undefined;
  if (first.fingerprint !== idem.fingerprint)
    throw new AppError(
      'IDEMPOTENCY_MISMATCH',
      `Idempotency-Key ${idem.key.slice(0, 64)} was used with another request; use a new key for a new request`,
    );
  return { ...(JSON.parse(first.result) as T), replayed: true };
}

export function remember(
  s: Pick<Stores, 'idempotency'>,
  actor: string,
  idem: IdempotencyKey | undefined,
  result: unknown,
  now: number,
): void {
  if (idem)
    s.idempotency.save(actor, idem.key, {
      fingerprint: idem.fingerprint,
      result: JSON.stringify(result),
      createdAt: now,
    });
}
