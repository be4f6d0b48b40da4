/**
 * Every route of the stable API (/api/v1): its method, path, the scope it needs, what it reads and what it
 * answers, in the shared zod schemas. contract/openapi.ts makes the OpenAPI document of it, and the tests walk
 * that document against the running routes (each exists, needs exactly its scope, answers its schema). A
 * route added under /api/v1 without an entry here fails those tests.
 */
import { z } from 'zod';
import type { Scope } from '../domain/auth/grant.js';
import {
  ApiSchedule,
  ApiChannel,
  CheckReply,
  CronPreview,
  CronPreviewQuery,
  PolicyBody,
  PolicyReply,
  ScheduleBody,
  ScheduleEditBody,
  ScheduleRunReply,
  SchedulesReply,
  SkipBody,
  SnoozeBody,
  ApiTaskDetail,
  ApiToken,
  ChannelBody,
  ChannelPatch,
  ChannelsReply,
  CreatedToken,
  CreateTokenBody,
  EventsPage,
  EventsQuery,
  Overview,
  PruneBody,
  PruneReply,
  Settings,
  TaskActionReply,
  TasksPage,
  TasksQuery,
  TestDeliveryReply,
  TestReply,
  TokensReply,
  TriggerBody,
  TriggerReply,
  UnitsReply,
  UpdateUnitBody,
} from './api.js';

export interface ApiRouteResponse {
  description: string;
  /** JSON body; absent: no body (204) or another media type. */
  schema?: z.ZodType;
  /** A body that is not JSON (the task log's Server-Sent Events). */
  mediaType?: string;
}

export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Under /api/v1, OpenAPI style: /tasks/{id}. */
  path: string;
  /** The scope a credential needs; undefined: public. */
  scope: Scope | undefined;
  operationId: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Takes an Idempotency-Key header (it creates a task). */
  idempotent?: boolean;
  responses: Record<number, ApiRouteResponse>;
}

export const V1_PREFIX = '/api/v1';

const TaskId = z.object({ id: z.string().describe('A task id (tsk_...)') });
const UnitName = z.object({ unit: z.string().describe('A unit name such as web.service') });
const ScheduleName = z.object({ name: z.string().describe('A schedule name') });
const ChannelId = z.object({ id: z.string().describe('A channel id (env-... or ch_...)') });

export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/tasks',
    scope: 'read',
    operationId: 'listTasks',
    summary: 'Tasks, newest first, filtered; cursor pagination (nextCursor)',
    query: TasksQuery,
    responses: { 200: { description: 'A page of tasks', schema: TasksPage } },
  },
  {
    method: 'post',
    path: '/tasks',
    scope: 'trigger',
    operationId: 'triggerUnits',
    summary: 'Update named units, or all units the credential may trigger; dryRun answers the plan only',
    description:
      'A restricted token triggers only units matching its patterns ("all": those of all that do). `caller` and `reason` are kept as notes; who acted is the credential.',
    body: TriggerBody,
    idempotent: true,
    responses: {
      202: { description: 'Queued', schema: TriggerReply },
      200: { description: 'The plan of a dry run', schema: TriggerReply },
    },
  },
  {
    method: 'get',
    path: '/tasks/{id}',
    scope: 'read',
    operationId: 'getTask',
    summary: 'One task with its per-unit results and log (after: only log lines after that id)',
    params: TaskId,
    query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    responses: { 200: { description: 'The task', schema: ApiTaskDetail } },
  },
  {
    method: 'get',
    path: '/tasks/{id}/log',
    scope: 'read',
    operationId: 'streamTaskLog',
    summary: 'The task log as Server-Sent Events (event: log, then event: end); resumes with Last-Event-ID',
    params: TaskId,
    query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    responses: { 200: { description: 'An event stream', mediaType: 'text/event-stream' } },
  },
  ...(
    [
      ['stop', 'stopTask', 'Stop: the current unit finishes, the rest are skipped'],
      ['force-stop', 'forceStopTask', 'Stop now: a restarted unit not yet verified is rolled back'],
    ] as const
  ).map(([action, operationId, summary]): ApiRoute => ({
    method: 'post',
    path: `/tasks/{id}/${action}`,
    scope: 'control',
    operationId,
    summary,
    params: TaskId,
    responses: { 200: { description: 'The task as it is now', schema: TaskActionReply } },
  })),
  {
    method: 'post',
    path: '/tasks/{id}/retry',
    scope: 'control',
    operationId: 'retryTask',
    summary: 'Queue a finished task again as a new task',
    params: TaskId,
    idempotent: true,
    responses: { 202: { description: 'The new task', schema: TaskActionReply } },
  },
  {
    method: 'get',
    path: '/units',
    scope: 'read',
    operationId: 'listUnits',
    summary: 'Discovered units: image, running and registry digests, update available',
    responses: { 200: { description: 'The units', schema: UnitsReply } },
  },
  {
    method: 'post',
    path: '/units/{unit}/update',
    scope: 'trigger',
    operationId: 'updateUnit',
    summary: 'Update one unit (within the credential’s unit patterns); dryRun answers the plan',
    params: z.object({ unit: z.string().describe('A unit name such as web.service') }),
    body: UpdateUnitBody,
    idempotent: true,
    responses: {
      202: { description: 'Queued', schema: TriggerReply },
      200: { description: 'The plan of a dry run', schema: TriggerReply },
    },
  },
  {
    method: 'get',
    path: '/events',
    scope: 'read',
    operationId: 'listEvents',
    summary: 'The event log (every request and what it decided), newest first; cursor pagination',
    query: EventsQuery,
    responses: { 200: { description: 'A page of events', schema: EventsPage } },
  },
  {
    method: 'get',
    path: '/overview',
    scope: 'read',
    operationId: 'getOverview',
    summary: 'Health of each part, task counts, the last result per unit, recent tasks',
    responses: { 200: { description: 'The overview', schema: Overview } },
  },
  {
    method: 'get',
    path: '/settings',
    scope: 'admin',
    operationId: 'getSettings',
    summary:
      'The effective configuration (secrets as set/unset), webhook URLs, discovered and configured units',
    responses: { 200: { description: 'The settings', schema: Settings } },
  },
  {
    method: 'post',
    path: '/settings/test-delivery',
    scope: 'admin',
    operationId: 'sendTestDelivery',
    summary:
      'Send a ping signed with the webhook secret to the webhook URL GitHub is given, and say what answered',
    description:
      'The URL is PODUP_PUBLIC_URL (else the address of this request) + /webhooks/github: the path from this host through DNS, the proxy, TLS and the route to the secret check. The answer is 200 whether or not the delivery arrived; `ok` says which.',
    responses: { 200: { description: 'What answered', schema: TestDeliveryReply } },
  },
  {
    method: 'post',
    path: '/maintenance/prune',
    scope: 'admin',
    operationId: 'prune',
    summary:
      'Retention now: old events, finished tasks, vanished units, delivered notifications; then VACUUM',
    body: PruneBody,
    responses: { 200: { description: 'What was (or would be) removed', schema: PruneReply } },
  },
  {
    method: 'get',
    path: '/tokens',
    scope: 'admin',
    operationId: 'listTokens',
    summary: 'API tokens: name, scopes, unit patterns, created, expires, last use (never the token)',
    responses: { 200: { description: 'The tokens', schema: TokensReply } },
  },
  {
    method: 'post',
    path: '/tokens',
    scope: 'admin',
    operationId: 'createToken',
    summary: 'Create an API token; the answer is the only time its plain text is shown',
    body: CreateTokenBody,
    responses: { 201: { description: 'The token, with its plain text', schema: CreatedToken } },
  },
  {
    method: 'delete',
    path: '/tokens/{name}',
    scope: 'admin',
    operationId: 'revokeToken',
    summary: 'Revoke an API token: the next request with it is refused',
    params: z.object({ name: ApiToken.shape.name }),
    responses: { 204: { description: 'Revoked' } },
  },
  {
    method: 'get',
    path: '/notifications/channels',
    scope: 'admin',
    operationId: 'listChannels',
    summary: 'Notification channels (URLs redacted) with their last deliveries and failures',
    responses: { 200: { description: 'The channels', schema: ChannelsReply } },
  },
  {
    method: 'post',
    path: '/notifications/channels',
    scope: 'admin',
    operationId: 'addChannel',
    summary: 'Add a channel from a service URL (needs PODUP_NOTIFY_SECRET, which seals it)',
    body: ChannelBody,
    responses: { 201: { description: 'The channel', schema: ApiChannel } },
  },
  {
    method: 'patch',
    path: '/notifications/channels/{id}',
    scope: 'admin',
    operationId: 'changeChannel',
    summary:
      'Change the name, URL or events of a channel added here (PODUP_NOTIFY ones: in the configuration)',
    params: ChannelId,
    body: ChannelPatch,
    responses: { 200: { description: 'The channel', schema: ApiChannel } },
  },
  {
    method: 'delete',
    path: '/notifications/channels/{id}',
    scope: 'admin',
    operationId: 'removeChannel',
    summary: 'Remove a channel added here; what it still had to deliver is dropped',
    params: ChannelId,
    responses: { 204: { description: 'Removed' } },
  },
  {
    method: 'post',
    path: '/notifications/channels/{id}/test',
    scope: 'admin',
    operationId: 'testChannel',
    summary: 'Send a test message to one channel, through the outbox like any other',
    params: ChannelId,
    responses: { 202: { description: 'Queued', schema: TestReply } },
  },
  ...(
    [
      ['approve', 'approveTask', 'Approve a task awaiting approval: it runs for its digest'],
      ['reject', 'rejectTask', 'Reject a task awaiting approval (or deferred): it ends, touching nothing'],
    ] as const
  ).map(([action, operationId, summary]): ApiRoute => ({
    method: 'post',
    path: `/tasks/{id}/${action}`,
    scope: 'approve',
    operationId,
    summary,
    params: TaskId,
    responses: { 200: { description: 'The task as it is now', schema: TaskActionReply } },
  })),
  {
    method: 'put',
    path: '/units/{unit}/policy',
    scope: 'admin',
    operationId: 'setUnitPolicy',
    summary: 'Override a unit’s update policy, minimum image age or windows ("default" drops the override)',
    params: UnitName,
    body: PolicyBody,
    responses: { 200: { description: 'What changed', schema: PolicyReply } },
  },
  {
    method: 'post',
    path: '/units/{unit}/skip',
    scope: 'approve',
    operationId: 'skipVersion',
    summary: 'Never apply this digest to the unit; a task waiting for exactly it ends',
    params: UnitName,
    body: SkipBody,
    responses: { 200: { description: 'What changed', schema: PolicyReply } },
  },
  {
    method: 'post',
    path: '/units/{unit}/snooze',
    scope: 'approve',
    operationId: 'snoozeUnit',
    summary: 'No update of the unit before a time (ISO 8601 or a duration such as 2h); null ends it',
    params: UnitName,
    body: SnoozeBody,
    responses: { 200: { description: 'What changed', schema: PolicyReply } },
  },
  {
    method: 'get',
    path: '/check',
    scope: 'read',
    operationId: 'checkUnits',
    summary: 'What would update and why not, per unit (changes nothing)',
    responses: { 200: { description: 'The report', schema: CheckReply } },
  },
  {
    method: 'get',
    path: '/schedules',
    scope: 'read',
    operationId: 'listSchedules',
    summary: 'Schedules with their next run and last result',
    responses: { 200: { description: 'The schedules', schema: SchedulesReply } },
  },
  {
    method: 'get',
    path: '/schedules/preview',
    scope: 'read',
    operationId: 'previewCron',
    summary: 'Check a cron expression and list its next runs in a time zone',
    query: CronPreviewQuery,
    responses: { 200: { description: 'The next runs', schema: CronPreview } },
  },
  {
    method: 'post',
    path: '/schedules',
    scope: 'admin',
    operationId: 'createSchedule',
    summary: 'Add a schedule (check, update or prune) at a cron time in an explicit zone',
    body: ScheduleBody,
    responses: { 201: { description: 'The schedule', schema: ApiSchedule } },
  },
  {
    method: 'put',
    path: '/schedules/{name}',
    scope: 'admin',
    operationId: 'editSchedule',
    summary: 'Change a schedule',
    params: ScheduleName,
    body: ScheduleEditBody,
    responses: { 200: { description: 'The schedule', schema: ApiSchedule } },
  },
  {
    method: 'delete',
    path: '/schedules/{name}',
    scope: 'admin',
    operationId: 'deleteSchedule',
    summary: 'Delete a schedule',
    params: ScheduleName,
    responses: { 200: { description: 'Deleted', schema: z.object({ message: z.string() }) } },
  },
  ...(
    [
      ['pause', 'pauseSchedule', 'Pause a schedule (it keeps its place)'],
      ['resume', 'resumeSchedule', 'Resume a paused schedule'],
    ] as const
  ).map(([action, operationId, summary]): ApiRoute => ({
    method: 'post',
    path: `/schedules/{name}/${action}`,
    scope: 'admin',
    operationId,
    summary,
    params: ScheduleName,
    responses: { 200: { description: 'The schedule', schema: ApiSchedule } },
  })),
  {
    method: 'post',
    path: '/schedules/{name}/run',
    scope: 'admin',
    operationId: 'runSchedule',
    summary: 'Run a schedule now (its result, and the task it queued if any)',
    idempotent: true,
    params: ScheduleName,
    responses: { 200: { description: 'The run', schema: ScheduleRunReply } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    scope: undefined,
    operationId: 'getOpenApi',
    summary: 'This document',
    responses: { 200: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
  },
];
