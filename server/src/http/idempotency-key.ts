/**
 * The Idempotency-Key header of a task-creating request, with a fingerprint of what the request asks (method,
 * route, path parameters, body) so that the same key with another request is refused, not replayed.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { routeName } from './api-paths.js';
import type { IdempotencyKey } from '../use-cases/idempotency.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Visible ASCII, as the IETF draft's examples (UUIDs and the like). */
const KEY = /^[\x21-\x7e]{1,255}$/;

export function idempotencyOf(request: FastifyRequest): IdempotencyKey | undefined {
  const raw = request.headers[IDEMPOTENCY_HEADER];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined) return undefined;
  if (!KEY.test(key))
    throw new AppError(
      'BAD_REQUEST',
      `${IDEMPOTENCY_HEADER}: 1 to 255 visible ASCII characters (a UUID, say)`,
    );
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify([request.method, routeName(request) ?? '', request.params ?? {}, request.body ?? {}]),
    )
    .digest('hex');
  return { key, fingerprint };
}

/** Marks an answer that is the replay of the first one. */
export function markReplay(reply: FastifyReply, result: { replayed?: true }): void {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
}
