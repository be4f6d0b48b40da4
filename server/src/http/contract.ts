/**
 * The JSON contract of podup's HTTP API. The web app imports these schemas (types and runtime validation),
 * and contract tests validate both the real server and the UI's mocks against them.
 */
import { z } from 'zod';
import { OUTCOMES } from '../domain/events/event.js';

export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string().optional(),
    hint: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const WebhookReply = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('accepted'),
    duplicate: z.literal(false),
    delivery: z.string(),
    taskId: z.string(),
    image: z.string(),
    coalesced: z.boolean(),
    unit: z.string().optional(),
  }),
  z.object({
    status: z.literal('duplicate'),
    duplicate: z.literal(true),
    delivery: z.string(),
    taskId: z.string().nullable(),
    firstOutcome: z.string(),
    firstSeen: z.string(),
  }),
  z.object({
    status: z.literal('pong'),
    duplicate: z.literal(false),
    delivery: z.string(),
    zen: z.string().optional(),
  }),
  z.object({
    status: z.literal('ignored'),
    duplicate: z.literal(false),
    delivery: z.string(),
    reason: z.string(),
  }),
  z.object({
    status: z.literal('recorded'),
    duplicate: z.literal(false),
    delivery: z.string(),
    reason: z.string(),
    image: z.string(),
  }),
]);
export type WebhookReply = z.infer<typeof WebhookReply>;

export const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptimeSec: z.number(),
  listener: z.enum(['socket-activation', 'address', 'none']),
});

export const Check = z.object({
  ok: z.boolean(),
  detail: z.string(),
  hint: z.string().optional(),
  ms: z.number(),
});

export const Readiness = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.object({ db: Check, dbus: Check, podman: Check }),
  error: ErrorBody.shape.error.optional(),
});
export type Readiness = z.infer<typeof Readiness>;

export const ApiEvent = z.object({
  id: z.number(),
  time: z.string(),
  requestId: z.string(),
  route: z.string(),
  method: z.string(),
  status: z.number(),
  delivery: z.string().nullable(),
  event: z.string().nullable(),
  action: z.string().nullable(),
  image: z.string().nullable(),
  outcome: z.string(),
  reason: z.string().nullable(),
  taskId: z.string().nullable(),
  source: z.string().nullable(),
  durationMs: z.number().nullable(),
});
export type ApiEvent = z.infer<typeof ApiEvent>;

export const EventsPage = z.object({
  events: z.array(ApiEvent),
  nextCursor: z.string().nullable(),
});
export type EventsPage = z.infer<typeof EventsPage>;

/** Query of GET /api/events (also used by `podup events`). Times: ISO 8601 or unix milliseconds. */
export const EventsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z
      .string()
      .regex(/^[1-9][0-9]{0,15}$/, 'must be a cursor returned as nextCursor')
      .transform(Number)
      .optional(),
    route: z.string().max(300).optional(),
    outcome: z.enum(OUTCOMES).optional(),
    event: z.string().max(100).optional(),
    delivery: z.string().max(100).optional(),
    image: z.string().max(512).optional(),
    task: z.string().max(64).optional(),
    status: z.coerce.number().int().min(100).max(599).optional(),
    since: z.string().optional(),
    until: z.string().optional(),
  })
  .strict();
export type EventsQuery = z.infer<typeof EventsQuery>;
