/**
 * The JSON contract of podup's HTTP API. The web app imports these schemas (types and runtime validation),
 * and contract tests validate both the real server and the UI's mocks against them.
 */
import { z } from 'zod';
import {
  CHECK_STATUSES,
  DEPENDENT_RESULTS,
  CHANNEL_KINDS,
  DELIVERY_STATUSES,
  LOG_LEVELS,
  NOTIFY_EVENTS,
  OUTCOMES,
  POLICY_SOURCES,
  SCHEDULE_ACTIONS,
  UPDATE_POLICIES,
  ROLLOUT_ROLES,
  SCOPES,
  STEPS,
  TASK_KINDS,
  TASK_STATUSES,
  TRIGGERS,
  UNIT_RESULT_STATUSES,
} from './vocabulary.js';
export { isDelivery, isWebhookRoute } from './traffic.js';

const TaskStatus = z.enum(TASK_STATUSES);
const TaskKind = z.enum(TASK_KINDS);
const TaskTrigger = z.enum(TRIGGERS);
const Outcome = z.enum(OUTCOMES);
const UnitResultStatus = z.enum(UNIT_RESULT_STATUSES);

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
  outcome: Outcome,
  reason: z.string().nullable(),
  taskId: z.string().nullable(),
  source: z.string().nullable(),
  durationMs: z.number().nullable(),
  /**
   * The requests this row stands for: 1, or more for refusals folded into one row per source, route, status and
   * minute (the first one's fields, the others counted). The server always sends it; absent reads as 1.
   */
  count: z.number().int().min(1).optional(),
  /** Who acted: "admin", an API token's name, "github"; null when no credential vouched for the request. */
  actor: z.string().nullable(),
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
    outcome: Outcome.optional(),
    event: z.string().max(100).optional(),
    delivery: z.string().max(100).optional(),
    image: z.string().max(512).optional(),
    task: z.string().max(64).optional(),
    actor: z.string().max(100).optional(),
    status: z.coerce.number().int().min(100).max(599).optional(),
    since: z.string().optional(),
    until: z.string().optional(),
    /** deliveries: webhooks and API calls that ask for something (contract/traffic.ts); all: every row. */
    traffic: z.enum(['all', 'deliveries']).default('all'),
  })
  .strict();
export type EventsQuery = z.infer<typeof EventsQuery>;

const nullableTime = z.string().nullable();

export const ApiTask = z.object({
  id: z.string(),
  kind: TaskKind,
  status: TaskStatus,
  image: z.string().nullable(),
  units: z.array(z.string()).nullable(),
  trigger: TaskTrigger,
  delivery: z.string().nullable(),
  /** The credential that asked: "admin", an API token's name, "github hook 42". */
  actor: z.string().nullable(),
  /** The caller's own note of who asks, as given. */
  caller: z.string().nullable(),
  reason: z.string().nullable(),
  summary: z.string().nullable(),
  attempts: z.number(),
  retryOf: z.string().nullable(),
  createdAt: z.string(),
  startedAt: nullableTime,
  finishedAt: nullableTime,
  /** The digest a policy decision was about (awaiting approval, deferred). */
  digest: z.string().nullable(),
  /** An admin overrode the update policy (--force). */
  force: z.boolean(),
  /** Deferred until (or the coalescing window of a webhook task). */
  notBefore: nullableTime,
  /** An awaiting-approval task is cancelled then. */
  expiresAt: nullableTime,
  approvedBy: z.string().nullable(),
  /** Webhook tasks: the commit the image was built from and GitHub's pages of it, as the delivery said. */
  source: z
    .object({ commit: z.string().nullable(), commitUrl: z.string().nullable(), page: z.string().nullable() })
    .nullable(),
  /** A stop was asked of the running task ("stop": after the unit in hand; "force": at once). */
  stopRequested: z.enum(['stop', 'force']).nullable().optional(),
  /** In task lists: each unit the task ran on, its result and why (empty before it ran). */
  outcomes: z
    .array(z.object({ unit: z.string(), status: UnitResultStatus, reason: z.string().nullable() }))
    .optional(),
  /** In task lists: the first error line of a failed task's journal excerpt. */
  journal: z.string().nullable().optional(),
});
export type ApiTask = z.infer<typeof ApiTask>;

export const ApiTaskUnit = z.object({
  unit: z.string(),
  status: UnitResultStatus,
  image: z.string().nullable(),
  digestBefore: z.string().nullable(),
  digestAfter: z.string().nullable(),
  imageIdBefore: z.string().nullable(),
  imageIdAfter: z.string().nullable(),
  reason: z.string().nullable(),
  startedAt: nullableTime,
  finishedAt: nullableTime,
  /** "canary": the first unit of its image, moved alone through the full gate before the others. */
  role: z.enum(ROLLOUT_ROLES).nullable(),
  /** Its place in the rollout order (1 = first). */
  position: z.number().int().nullable(),
  /** What the health gate saw: the container's health check, or how long systemd kept it active. */
  health: z.string().nullable(),
  /** Units depending on it (Requires=, BindsTo=, PartOf=) checked after its restart or rollback. */
  dependents: z.array(
    z.object({ unit: z.string(), result: z.enum(DEPENDENT_RESULTS), detail: z.string().nullable() }),
  ),
});

export const ApiTaskLog = z.object({
  id: z.number(),
  time: z.string(),
  level: z.enum(LOG_LEVELS),
  step: z.enum(STEPS),
  unit: z.string().nullable(),
  message: z.string(),
  durationMs: z.number().nullable(),
});
export type ApiTaskLog = z.infer<typeof ApiTaskLog>;

export const ApiTaskDetail = ApiTask.extend({
  unitResults: z.array(ApiTaskUnit),
  log: z.array(ApiTaskLog),
});
export type ApiTaskDetail = z.infer<typeof ApiTaskDetail>;

export const TasksPage = z.object({
  tasks: z.array(ApiTask),
  nextCursor: z.string().nullable(),
  /** How many tasks the filters match, counted up to 1000; with the first page only. */
  total: z.number().int().optional(),
  /** More than `total` tasks match (the count stopped there). */
  totalCapped: z.boolean().optional(),
});
export type TasksPage = z.infer<typeof TasksPage>;

/** A query parameter of one value or several comma-separated, each one of `values`. */
const commaList = <T extends z.ZodType<string, string>>(values: T) =>
  z
    .string()
    .max(100)
    .transform((v) => v.split(',').map((x) => x.trim()))
    .pipe(z.array(values).min(1));

export const TasksQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .regex(/^\d{1,16}\.[A-Za-z0-9_]{1,64}$/, 'must be a cursor returned as nextCursor')
      .optional(),
    status: TaskStatus.optional(),
    /** One kind, or several comma-separated (the panel's "Automatic" is image-update,unit-update). */
    kind: commaList(TaskKind).optional(),
    /** One trigger, or several comma-separated (the panel's "Manual" is api,cli,retry). */
    trigger: commaList(TaskTrigger).optional(),
    unit: z.string().max(256).optional(),
    image: z.string().max(512).optional(),
    q: z.string().max(200).optional(),
  })
  .strict();

export const TriggerBody = z
  .object({
    units: z.array(z.string().min(1).max(256)).max(500).optional(),
    all: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    caller: z.string().max(200).optional(),
    reason: z.string().max(1000).optional(),
    /** Override the update policies for this task (recorded as such). */
    force: z.boolean().optional(),
  })
  .strict();
export type TriggerBody = z.infer<typeof TriggerBody>;

export const ApiUnitPlan = z.object({
  unit: z.string(),
  image: z.string().nullable(),
  action: z.enum(['update', 'verify', 'skip', 'error']),
  reason: z.string().nullable(),
  currentDigests: z.array(z.string()),
  targetDigest: z.string().nullable(),
});

export const ApiPlan = z.object({
  images: z.array(
    z.object({
      image: z.string(),
      digest: z.string().nullable(),
      endpoint: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
  units: z.array(ApiUnitPlan),
});
export type ApiPlan = z.infer<typeof ApiPlan>;

export const TriggerReply = z.union([
  z.object({ status: z.literal('queued'), taskId: z.string(), units: z.array(z.string()) }),
  z.object({ status: z.literal('dry-run'), plan: ApiPlan }),
]);
export type TriggerReply = z.infer<typeof TriggerReply>;

const PolicySource = z.enum(POLICY_SOURCES);

export const ApiUnitPolicy = z.object({
  policy: z.object({ value: z.enum(UPDATE_POLICIES), source: PolicySource }),
  /** "0", "12h", "3d". */
  minAge: z.object({ value: z.string(), source: PolicySource }),
  windows: z.object({ value: z.array(z.string()), source: PolicySource }),
  snoozedUntil: nullableTime,
  skipped: z.array(z.string()),
});
export type ApiUnitPolicy = z.infer<typeof ApiUnitPolicy>;

export const ApiUnitCheck = z.object({
  status: z.enum(CHECK_STATUSES),
  digest: z.string().nullable(),
  firstSeen: nullableTime,
  verdict: z.string().nullable(),
  reason: z.string().nullable(),
  checkedAt: z.string(),
});

export const ApiWaitingTask = z.object({
  taskId: z.string(),
  status: z.enum(['awaiting-approval', 'deferred']),
  digest: z.string().nullable(),
  notBefore: nullableTime,
  expiresAt: nullableTime,
  summary: z.string().nullable(),
});

export const PolicyBody = z
  .object({
    /** null or "default": drop the override. */
    policy: z
      .union([z.enum(UPDATE_POLICIES), z.literal('default')])
      .nullable()
      .optional(),
    minAge: z.string().max(32).nullable().optional(),
    window: z.string().max(1000).nullable().optional(),
  })
  .strict();
export type PolicyBody = z.infer<typeof PolicyBody>;

export const SkipBody = z.object({ digest: z.string().max(100) }).strict();
/** ISO 8601, unix ms, or a duration from now such as 2h; null ends the snooze. */
export const SnoozeBody = z.object({ until: z.string().max(64).nullable() }).strict();

export const PolicyReply = z.object({ unit: z.string(), message: z.string() });
export type PolicyReply = z.infer<typeof PolicyReply>;

export const ApiCheckUnit = z.object({
  unit: z.string(),
  image: z.string().nullable(),
  status: z.enum(CHECK_STATUSES),
  currentDigest: z.string().nullable(),
  digest: z.string().nullable(),
  firstSeen: nullableTime,
  /** What the policy makes of it: apply, notify, approve, defer, skip, or waiting (a task already waits). */
  verdict: z.string().nullable(),
  reason: z.string().nullable(),
  waitingTask: z.string().nullable(),
});

export const CheckReply = z.object({ checkedAt: z.string(), units: z.array(ApiCheckUnit) });
export type CheckReply = z.infer<typeof CheckReply>;

export const ApiUnit = z.object({
  unit: z.string(),
  image: z.string().nullable(),
  imageKey: z.string().nullable(),
  pinned: z.boolean(),
  sources: z.array(z.string()),
  policy: z.string().nullable(),
  containerState: z.string().nullable(),
  runningDigest: z.string().nullable(),
  registryDigest: z.string().nullable(),
  updateAvailable: z.boolean().nullable(),
  registryError: z.string().nullable(),
  problems: z.array(z.string()),
  /** podup may move it: it opts in (or PODUP_UNITS lists it) and systemd has it. */
  managed: z.boolean(),
  /** Why podup never moves it (not opted in, AutoUpdate=local, a leftover container, ...). */
  unmanagedReason: z.string().nullable(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  updatePolicy: ApiUnitPolicy,
  /** The last scheduled check: what is available and what the policy makes of it. */
  check: ApiUnitCheck.nullable(),
  /** Tasks of this unit awaiting approval or deferred. */
  waiting: z.array(ApiWaitingTask),
});
export type ApiUnit = z.infer<typeof ApiUnit>;

export const UnitsReply = z.object({ units: z.array(ApiUnit) });
export type UnitsReply = z.infer<typeof UnitsReply>;

/* ---- Task panel (sessions, task control, overview, settings) ---- */

export const SignInBody = z.object({ token: z.string().min(1).max(512) }).strict();

export const Session = z.object({
  authenticated: z.boolean(),
  /** How this request was authenticated. */
  method: z.enum(['cookie', 'bearer', 'token', 'forward-auth', 'open', 'none']),
  user: z.string().nullable(),
  /** Send as X-CSRF-Token with every state-changing request made with the session cookie. */
  csrfToken: z.string().nullable(),
});
export type Session = z.infer<typeof Session>;

export const UpdateUnitBody = z
  .object({
    dryRun: z.boolean().optional(),
    reason: z.string().max(1000).optional(),
    force: z.boolean().optional(),
  })
  .strict();

export const TaskActionReply = z.object({
  task: ApiTask,
  /** For retry: the new task. */
  retryTaskId: z.string().optional(),
  message: z.string(),
});
export type TaskActionReply = z.infer<typeof TaskActionReply>;

export const PartHealth = z.object({ ok: z.boolean(), detail: z.string(), hint: z.string().optional() });

export const Overview = z.object({
  health: z.object({ db: PartHealth, dbus: PartHealth, podman: PartHealth }),
  counts: z.object({
    queued: z.number(),
    running: z.number(),
    awaitingApproval: z.number(),
    deferred: z.number(),
    succeeded24h: z.number(),
    failed24h: z.number(),
    rolledBack24h: z.number(),
    /** Deliveries (contract/traffic.ts) in the last 24 h: webhooks and API calls that asked for something. */
    deliveries24h: z.number(),
  }),
  units: z.array(
    z.object({
      unit: z.string(),
      image: z.string().nullable(),
      lastStatus: UnitResultStatus.nullable(),
      lastTaskId: z.string().nullable(),
      lastFinishedAt: z.string().nullable(),
    }),
  ),
  recentTasks: z.array(ApiTask),
  /** Tasks awaiting an admin's approval, oldest first. */
  pendingApprovals: z.array(ApiTask),
  /** Schedules that are not paused, by their next run. */
  nextRuns: z.array(z.object({ name: z.string(), action: z.enum(SCHEDULE_ACTIONS), nextRunAt: z.string() })),
});
export type Overview = z.infer<typeof Overview>;

export const Settings = z.object({
  version: z.string(),
  webhookUrl: z.string(),
  legacyWebhookUrl: z.string(),
  config: z.record(z.string(), z.unknown()),
  units: z.object({
    discovered: z.array(
      z.object({ unit: z.string(), image: z.string().nullable(), sources: z.array(z.string()) }),
    ),
    configured: z.array(z.object({ unit: z.string(), image: z.string() })),
    /** Why discovery failed just now (the discovered units are then the last recorded); null when it worked. */
    discoveryError: z.string().nullable(),
  }),
});
export type Settings = z.infer<typeof Settings>;

/** POST /api/settings/test-delivery: a signed ping sent to the webhook URL GitHub is given, and what answered. */
export const TestDeliveryReply = z.object({
  ok: z.boolean(),
  /** What answered, in one line. */
  message: z.string(),
  /** What to do about it. */
  hint: z.string().nullable(),
  url: z.string(),
  /** The X-GitHub-Delivery it was sent with (podup-test-...): find it in the event log. */
  delivery: z.string(),
  /** The HTTP status that came back; null when nothing answered. */
  status: z.number().nullable(),
  ms: z.number(),
  /** False when PODUP_PUBLIC_URL is unset: the URL is the one the panel was reached at. */
  publicUrl: z.boolean(),
});
export type TestDeliveryReply = z.infer<typeof TestDeliveryReply>;

/** One Server-Sent Event of GET /api/tasks/:id/log: `event: log` (data ApiTaskLog) or `event: end` (data ApiTask). */
export const TaskLogEnd = z.object({
  status: z.union([TaskStatus, z.literal('gone')]),
  summary: z.string().nullable(),
});

/* ---- Maintenance ---- */

/** Durations such as 30d, 12h. */
const Duration = z
  .string()
  // Case-insensitive by its classes, not the i flag: the OpenAPI document carries the source only, and a
  // pattern with the flag lost would refuse 30D.
  .regex(/^\d+(\.\d+)?\s*([mM][sS]|[sSmMhHdDwWyY])$/, 'must be a duration such as 30d or 12h');

/* ---- API tokens ---- */

export const Scope = z.enum(SCOPES);

export const ApiToken = z.object({
  name: z.string(),
  scopes: z.array(Scope),
  /** Unit patterns (`*` a wildcard) the token may trigger and control. */
  units: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  expiresAt: nullableTime,
  lastUsedAt: nullableTime,
  /** The address of the last use. */
  lastUsedFrom: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const TokensReply = z.object({ tokens: z.array(ApiToken) });
export type TokensReply = z.infer<typeof TokensReply>;

export const CreateTokenBody = z
  .object({
    name: z.string().min(1).max(64),
    scopes: z.array(Scope).min(1).max(SCOPES.length),
    /** Unit patterns such as web-*; none: every unit. */
    units: z.array(z.string().min(1).max(256)).max(100).optional(),
    /** Lifetime such as 90d; none: until revoked. */
    expires: Duration.optional(),
  })
  .strict();
export type CreateTokenBody = z.infer<typeof CreateTokenBody>;

/** The answer to creating a token: the only time its plain text is shown. */
export const CreatedToken = ApiToken.extend({ token: z.string() });
export type CreatedToken = z.infer<typeof CreatedToken>;

export const PruneBody = z
  .object({
    olderThan: Duration.default('30d'),
    tasksOlderThan: Duration.default('90d'),
    unitsOlderThan: Duration.default('30d'),
    dryRun: z.boolean().default(false),
  })
  .strict();
export type PruneBody = z.input<typeof PruneBody>;

const RetentionCounts = z.object({
  events: z.number(),
  requestCounts: z.number(),
  deliveries: z.number(),
  rateLimits: z.number(),
  tasks: z.number(),
  taskLogs: z.number(),
  sessions: z.number(),
  units: z.number(),
  notifications: z.number(),
  idempotencyKeys: z.number(),
});

export const PruneReply = z.object({
  dryRun: z.boolean(),
  cutoffs: z.object({ events: z.string(), tasks: z.string(), units: z.string() }),
  removed: RetentionCounts,
  compacted: z.boolean(),
  bytesBefore: z.number(),
  bytesAfter: z.number(),
});
export type PruneReply = z.infer<typeof PruneReply>;

/* ---- Schedules ---- */

export const ApiSchedule = z.object({
  name: z.string(),
  cron: z.string(),
  zone: z.string(),
  action: z.enum(SCHEDULE_ACTIONS),
  /** null: every unit podup manages. */
  units: z.array(z.string()).nullable(),
  /** "0", "5m". */
  randomDelay: z.string(),
  paused: z.boolean(),
  nextRunAt: nullableTime,
  runningSince: nullableTime,
  lastRunAt: nullableTime,
  lastStatus: z.enum(['ok', 'failed']).nullable(),
  lastSummary: z.string().nullable(),
  lastTaskId: z.string().nullable(),
  /** The status of the last run's task now (queued, succeeded, awaiting-approval, ...). */
  lastTaskStatus: TaskStatus.nullable(),
});
export type ApiSchedule = z.infer<typeof ApiSchedule>;

export const SchedulesReply = z.object({ schedules: z.array(ApiSchedule) });
export type SchedulesReply = z.infer<typeof SchedulesReply>;

const UnitList = z.array(z.string().min(1).max(256)).max(500).nullable();

export const ScheduleBody = z
  .object({
    name: z.string().max(64).optional(),
    cron: z.string().min(1).max(200),
    zone: z.string().max(64).optional(),
    action: z.enum(SCHEDULE_ACTIONS),
    units: UnitList.optional(),
    randomDelay: z.string().max(16).optional(),
    paused: z.boolean().optional(),
  })
  .strict();
export type ScheduleBody = z.infer<typeof ScheduleBody>;

export const ScheduleEditBody = ScheduleBody.omit({ name: true }).partial().strict();
export type ScheduleEditBody = z.infer<typeof ScheduleEditBody>;

export const ScheduleRunReply = z.object({
  schedule: ApiSchedule,
  status: z.enum(['ok', 'failed']),
  summary: z.string(),
  taskId: z.string().nullable(),
});
export type ScheduleRunReply = z.infer<typeof ScheduleRunReply>;

export const CronPreviewQuery = z
  .object({ cron: z.string().min(1).max(200), zone: z.string().max(64).default('UTC') })
  .strict();

export const CronPreview = z.object({ cron: z.string(), zone: z.string(), next: z.array(z.string()) });
export type CronPreview = z.infer<typeof CronPreview>;
/* ---- Notifications ---- */

export const NotifyEvent = z.enum(NOTIFY_EVENTS);

export const ApiDelivery = z.object({
  notificationId: z.number(),
  event: z.union([NotifyEvent, z.literal('test')]),
  /** The same on every channel and retry: receivers may drop a message they already have. */
  dedupKey: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  /** The next attempt of a pending delivery. */
  nextAt: nullableTime,
  lastError: z.string().nullable(),
  lastStatus: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deliveredAt: nullableTime,
});
export type ApiDelivery = z.infer<typeof ApiDelivery>;

export const ApiChannel = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  /** env: PODUP_NOTIFY (read-only here); api: added from the API or panel. */
  source: z.enum(['env', 'api']),
  events: z.array(NotifyEvent),
  /** The service and, where it is no secret, the server: never the whole URL. */
  url: z.string(),
  /** False when a stored URL cannot be opened (PODUP_NOTIFY_SECRET changed): re-enter it. */
  readable: z.boolean(),
  createdAt: nullableTime,
  counts: z.object({ pending: z.number(), delivered: z.number(), failed: z.number(), dropped: z.number() }),
  /** The newest deliveries, newest first. */
  recent: z.array(ApiDelivery),
});
export type ApiChannel = z.infer<typeof ApiChannel>;

export const ChannelsReply = z.object({
  channels: z.array(ApiChannel),
  /** Every event a channel may select. */
  events: z.array(NotifyEvent),
  /** PODUP_NOTIFY_SECRET is set: channels may be added here, and the JSON webhook is signed. */
  secretConfigured: z.boolean(),
});
export type ChannelsReply = z.infer<typeof ChannelsReply>;

const ChannelUrl = z.string().min(1).max(2000);

export const ChannelBody = z
  .object({
    name: z.string().max(100).optional(),
    /** A service URL such as ntfy://ntfy.sh/topic or jsons://hooks.example.com/podup (secret: never shown again). */
    url: ChannelUrl,
    /** Replaces the URL's ?events= selection. */
    events: z.array(NotifyEvent).max(NOTIFY_EVENTS.length).optional(),
  })
  .strict();
export type ChannelBody = z.infer<typeof ChannelBody>;

export const ChannelPatch = ChannelBody.partial().strict();
export type ChannelPatch = z.infer<typeof ChannelPatch>;

export const TestReply = z.object({ status: z.literal('queued'), dedupKey: z.string() });
export type TestReply = z.infer<typeof TestReply>;
