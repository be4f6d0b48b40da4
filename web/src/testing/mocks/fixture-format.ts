/**
 * The shape of the recorded fixtures (fixtures/*.json), written by tests/mock-recorder from the real server
 * on the fakes and replayed by the MSW handlers. Every body is what podup answered; times are those of a
 * simulated clock and are moved to "now" when the mocks load them.
 */
import type { z } from 'zod';
import type {
  ApiChannel,
  ApiEvent,
  ApiTask,
  ApiTaskDetail,
  ApiTaskLog,
  ApiUnit,
  ChannelsReply,
  CreatedToken,
  ErrorBody,
  Health,
  Overview,
  CronPreview,
  Readiness,
  SchedulesReply,
  Session,
  Settings,
  TestDeliveryReply,
  TestReply,
  TokensReply,
  UnitsReply,
} from '@contract';
import type { TASK_STATUSES } from '@vocabulary';

export type TaskStatus = (typeof TASK_STATUSES)[number];

/** One answer as the panel receives it: status, the headers it reads, the body (null when empty). */
export interface Recorded<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** One Server-Sent Event of GET /api/tasks/:id/log, field by field as podup wrote it. */
export interface SseFrame {
  retry?: string;
  id?: string;
  event?: string;
  data?: string;
}

/** A POST, its reply, and the task it created or changed as GET /api/tasks/:id showed it right after. */
export interface Action {
  reply: Recorded;
  task?: ApiTaskDetail;
}

/**
 * A task as recorded: its detail at the snapshot, and what POST /api/tasks/:id/retry answered once it had
 * ended (the recorder stops queued tasks first), with the new task. Generated history reuses the stories of
 * the recorded tasks it is cloned from.
 */
export interface TaskStory {
  detail: ApiTaskDetail;
  retry?: Action;
}

export type ControlAction = 'stop' | 'force-stop' | 'retry' | 'approve' | 'reject';

/** What an action did to its task: the fields that differ afterwards and the lines it logged. */
export interface TaskChange {
  fields: Partial<ApiTask>;
  log: ApiTaskLog[];
  /** Only when they changed. */
  unitResults?: ApiTaskDetail['unitResults'];
}

/** What one control action answers for a task in `status`, recorded on the task `subject` (its id). */
export interface ControlAnswer {
  status: TaskStatus;
  action: ControlAction;
  subject: string;
  reply: Recorded;
  change?: TaskChange;
}

/**
 * POST /api/tasks or /api/units/:unit/update with the body the panel sends; also the other requests of the
 * panel that change something (a unit's policy, skip, snooze, schedules), with their method.
 */
export interface Exchange {
  method?: 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** With `reason` set to the fixture's reasonMark where the panel lets the user type one. */
  body: Record<string, unknown>;
  reply: Recorded;
  /** The task it queued: its detail then, and the answer to retrying it once stopped. */
  task?: TaskStory;
  /** A unit's policy, skip or snooze that succeeded: the unit's policy and waiting tasks right after it. */
  unit?: UnitAfter;
}

/** What GET /api/units said of the unit a policy change, skip or snooze was about, right after it. */
export type UnitAfter = Pick<ApiUnit, 'unit' | 'updatePolicy' | 'waiting'>;

export type LiveEnd = 'completed' | 'stop' | 'force-stop';

/**
 * The task running at the snapshot (`running`), recorded three times from the same start: left to finish,
 * stopped, force-stopped. Each way has the reply to the POST (none for "completed"), the log stream read
 * from the snapshot to its `end` event, and the detail it ended with.
 */
export interface LiveTask {
  running: ApiTaskDetail;
  ends: Record<LiveEnd, { reply?: Recorded; stream: SseFrame[]; detail: ApiTaskDetail }>;
}

/**
 * The Tokens page: the list at the snapshot, what creating a token answered (its plain text replaced by a
 * recorded stand-in) for `body`, and what revoking it answered.
 */
export interface TokensFixture {
  list: Recorded<TokensReply>;
  create: { body: Record<string, unknown>; reply: Recorded<CreatedToken> };
  revoke: Recorded;
}

/**
 * The Notifications page: every channel with its last deliveries and failures at the snapshot, what "send a
 * test" answered per channel id, and what adding (for `body`) and removing a channel answered.
 */
export interface NotificationsFixture {
  channels: Recorded<ChannelsReply>;
  tests: Array<{ channel: string; reply: Recorded<TestReply> }>;
  add: { body: Record<string, unknown>; reply: Recorded<ApiChannel> };
  /** PATCH of the added channel (name and events). */
  change: { body: Record<string, unknown>; reply: Recorded<ApiChannel> };
  /** PATCH of a channel from PODUP_NOTIFY: refused, it is changed in the configuration. */
  changeEnv: Recorded;
  remove: Recorded;
}

/** A data profile: the server's state at one moment, and how it answered what the panel can do. */
export interface DataFixture {
  /** The simulated clock at the snapshot. */
  recordedAt: string;
  /** The origin the recording was made on (in settings' URLs); the mocks use the browser's. */
  origin: string;
  /** Stands for the reason the user types where an exchange took one. */
  reasonMark: string;
  healthz: Recorded<z.infer<typeof Health>>;
  readyz: Recorded<Readiness>;
  overview: Recorded<Overview>;
  units: Recorded<UnitsReply>;
  settings: Recorded<Settings>;
  /** POST /api/v1/settings/test-delivery with the webhook URL leading to podup, and with nothing listening. */
  testDelivery: { reached: Recorded<TestDeliveryReply>; unreached: Recorded<TestDeliveryReply> };
  schedules: Recorded<SchedulesReply>;
  /** GET /api/schedules/preview for the expressions the panel's editor offers (and a bad one). */
  previews: Array<{ cron: string; zone: string; reply: Recorded<CronPreview> }>;
  /** Newest first, as GET /api/tasks pages through them. */
  tasks: TaskStory[];
  /** Newest first, as GET /api/events pages through them. */
  events: ApiEvent[];
  /** GET /api/tasks/:id/log of the newest task that had ended: how podup frames a whole log. */
  stream?: { task: string; frames: SseFrame[] };
  control: ControlAnswer[];
  exchanges: Exchange[];
  live?: LiveTask;
  tokens: TokensFixture;
  notifications: NotificationsFixture;
}

/** Answers that do not depend on the data: sessions, and the errors of auth, CSRF, limits and bad input. */
export interface TransportFixture {
  origin: string;
  /** The admin token the recording signed in with: the one the mock accepts. */
  token: string;
  session: Recorded<Session>;
  signedOut: Recorded<Session>;
  signIn: Recorded<Session>;
  /** POST /api/session with wrong tokens, one after the other, until the address was refused (429). */
  wrongTokens: Recorded<ErrorBody>[];
  emptyToken: Recorded<ErrorBody>;
  signOut: Recorded;
  /** Any /api call without a session. */
  unauthorized: Recorded<ErrorBody>;
  /** A state-changing call without X-CSRF-Token. */
  csrfRefused: Recorded<ErrorBody>;
  /** A state-changing call once the address is over its limit. */
  rateLimited: Recorded<ErrorBody>;
  /** GET /api/tasks/:id of a task that does not exist (`missingTask`). */
  missingTask: string;
  taskNotFound: Recorded<ErrorBody>;
  /** POST /api/units/:unit/update of a unit podup does not know (`missingUnit`). */
  missingUnit: string;
  unitNotFound: Recorded<ErrorBody>;
  badTasksQuery: Recorded<ErrorBody>;
  badEventsQuery: Recorded<ErrorBody>;
  /** A body the contract refuses (an unknown field). */
  badBody: Recorded<ErrorBody>;
}
