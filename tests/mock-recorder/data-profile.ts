/**
 * What a data profile's fixture holds, read from a session whose scenario has played: the snapshot (every
 * read the panel makes), then what each thing the panel can do answers: retrying each task, stop, force-stop
 * and retry per task status, and the triggers and dry runs of the Units page.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ApiEvent, ApiTask, ApiTaskDetail, ApiUnit } from '../../server/src/contract/api.js';
import { isFinished } from '../../server/src/domain/tasks/task.js';
import { journalErrorLine } from '../../server/src/domain/tasks/journal-line.js';
import type {
  Action,
  ControlAction,
  ControlAnswer,
  DataFixture,
  Exchange,
  SseFrame,
  TaskChange,
  TaskStory,
  UnitAfter,
} from '../../web/src/testing/mocks/fixture-format.js';
import { recordChannelChanges, recordNotifications, recordTokens } from './admin-pages.js';
import { RECORDED_ORIGIN } from './panel-client.js';
import { serveAppAt } from '../helpers/app.js';
import { REASON_MARK, taskIdOf, type Recording } from './recording.js';

/**
 * The expressions the panel's schedule editor previews: its presets, one with a seconds field, and one that
 * is not cron.
 */
export const PREVIEWS: ReadonlyArray<[string, string]> = [
  ['30 0 2 * * 6', 'Europe/Berlin'],
  ['0 3 * * *', 'UTC'],
  ['0 3 * * *', 'Europe/Berlin'],
  ['*/15 * * * *', 'UTC'],
  ['0 4 * * 0', 'UTC'],
  ['not a cron', 'UTC'],
];

export type Snapshot = Omit<
  DataFixture,
  'tasks' | 'control' | 'exchanges' | 'live' | 'tokens' | 'notifications' | 'testDelivery'
> & {
  tasks: ApiTaskDetail[];
};

async function allPages<T>(rec: Recording, path: string, items: (body: unknown) => T[]): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const answer = await rec.client.get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    if (answer.status !== 200) throw new Error(`recorder: GET ${path} answered ${answer.status}`);
    out.push(...items(answer.body));
    cursor = (answer.body as { nextCursor: string | null }).nextCursor;
  } while (cursor);
  return out;
}

/** Every read of the panel, at this moment. The event log first: the reads after it add their own rows. */
export async function takeSnapshot(rec: Recording): Promise<Snapshot> {
  const recordedAt = new Date().toISOString();
  const events = await allPages(rec, '/api/events?limit=500', (b) => (b as { events: ApiEvent[] }).events);
  const overview = await rec.client.get('/api/overview');
  const units = await rec.client.get('/api/units');
  const settings = await rec.client.get('/api/settings');
  const schedules = await rec.client.get('/api/schedules');
  const previews: DataFixture['previews'] = [];
  for (const [cron, zone] of PREVIEWS) {
    const q = new URLSearchParams({ cron, zone }).toString();
    previews.push({
      cron,
      zone,
      reply: (await rec.client.get(
        `/api/schedules/preview?${q}`,
      )) as DataFixture['previews'][number]['reply'],
    });
  }
  const healthz = await rec.client.get('/healthz');
  const readyz = await rec.client.get('/readyz');
  const list = await allPages(rec, '/api/tasks?limit=200', (b) => (b as { tasks: ApiTask[] }).tasks);
  const tasks: ApiTaskDetail[] = [];
  for (const entry of list) {
    const detail = await rec.detail(entry.id);
    // The mocks list a task by its detail's fields: they must be the list's. The row's own fields (its units'
    // results, the journal's error line) the mocks derive from the detail the way the server does.
    const { outcomes, journal, ...own } = entry;
    const listed = Object.fromEntries(Object.keys(own).map((k) => [k, detail[k as keyof ApiTask]]));
    if (!isDeepStrictEqual(listed, own))
      throw new Error(`recorder: GET /api/tasks and /api/tasks/${entry.id} disagree about the task`);
    const derived = {
      outcomes: detail.unitResults.map((u) => ({ unit: u.unit, status: u.status, reason: u.reason })),
      journal: ['failed', 'rolled-back', 'interrupted'].includes(detail.status)
        ? (detail.log
            .filter((l) => l.step === 'diagnose')
            .map((l) => journalErrorLine(l.message))
            .find((l) => l !== null) ?? null)
        : null,
    };
    if (!isDeepStrictEqual(derived, { outcomes, journal }))
      throw new Error(`recorder: the row of ${entry.id} is not what its detail says`);
    tasks.push(detail);
  }
  const ended = tasks.find((t) => isFinished(t.status));
  const stream = ended && {
    task: ended.id,
    frames: sseFrames(String((await rec.client.get(`/api/tasks/${ended.id}/log`)).body)),
  };
  return {
    recordedAt,
    origin: RECORDED_ORIGIN,
    reasonMark: REASON_MARK,
    healthz: healthz as DataFixture['healthz'],
    readyz: readyz as DataFixture['readyz'],
    overview: overview as DataFixture['overview'],
    units: units as DataFixture['units'],
    settings: settings as DataFixture['settings'],
    schedules: schedules as DataFixture['schedules'],
    previews,
    tasks,
    events,
    ...(stream ? { stream } : {}),
  };
}

/** A text/event-stream body, frame by frame. */
export function sseFrames(text: string): SseFrame[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const frame: SseFrame = {};
      for (const line of chunk.split('\n')) {
        const colon = line.indexOf(': ');
        const [field, value] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 2)];
        if (field === 'retry' || field === 'id' || field === 'event' || field === 'data')
          frame[field] = value;
      }
      return frame;
    });
}

/** POST, then the task it created (a 2xx with a task id) or changed, as GET /api/tasks/:id shows it. */
async function act(rec: Recording, path: string, body?: unknown, changed?: string): Promise<Action> {
  const reply = await rec.client.post(path, body);
  if (reply.status >= 300) return { reply };
  const b = reply.body as { taskId?: string; retryTaskId?: string; status?: string } | null;
  const id = b?.taskId ?? b?.retryTaskId ?? changed;
  return id ? { reply, task: await rec.detail(id) } : { reply };
}

const taskAction = (rec: Recording, id: string, action: ControlAction, changes: boolean) =>
  act(rec, `/api/tasks/${id}/${action}`, undefined, changes ? id : undefined);

function changeOf(before: ApiTaskDetail, after: ApiTaskDetail): TaskChange {
  const { unitResults, log, ...task } = after;
  const fields = Object.fromEntries(
    Object.entries(task).filter(([k, v]) => !isDeepStrictEqual(before[k as keyof ApiTask], v)),
  );
  const known = new Set(before.log.map((l) => l.id));
  return {
    fields,
    log: log.filter((l) => !known.has(l.id)),
    ...(isDeepStrictEqual(before.unitResults, unitResults) ? {} : { unitResults }),
  };
}

async function controlAnswer(rec: Recording, subject: string, action: ControlAction): Promise<ControlAnswer> {
  const before = await rec.detail(subject);
  const { reply, task } = await taskAction(rec, subject, action, action !== 'retry');
  const change = task && action !== 'retry' ? changeOf(before, task) : undefined;
  return { status: before.status, action, subject, reply, ...(change ? { change } : {}) };
}

/**
 * Retry of every ended task (its story), then stop / force-stop / retry per status: queued tasks are stopped
 * and force-stopped (then retried for their own story), every ended status refuses stop and force-stop; tasks
 * awaiting approval are approved and rejected, a deferred one is stopped.
 */
export async function recordControl(
  rec: Recording,
  snapshot: Snapshot,
  options: { running?: string } = {},
): Promise<{ tasks: TaskStory[]; control: ControlAnswer[] }> {
  const stories: TaskStory[] = snapshot.tasks.map((detail) => ({ detail }));
  const control: ControlAnswer[] = [];
  for (const story of stories)
    if (isFinished(story.detail.status)) story.retry = await taskAction(rec, story.detail.id, 'retry', false);

  const queuedStories = stories.filter((s) => s.detail.status === 'queued');
  const queued = [
    ...queuedStories.map((s) => s.detail.id),
    ...stories.flatMap((s) => (s.retry ? [taskIdOf(s.retry.reply)] : [])),
  ];
  const [first, second] = queued;
  if (first && second) {
    control.push(await controlAnswer(rec, first, 'retry'));
    control.push(await controlAnswer(rec, first, 'stop'));
    control.push(await controlAnswer(rec, second, 'force-stop'));
  }
  for (const story of queuedStories) story.retry = await taskAction(rec, story.detail.id, 'retry', false);
  if (options.running) control.push(await controlAnswer(rec, options.running, 'retry'));

  const ended = new Map<string, string>();
  for (const id of [...snapshot.tasks.map((t) => t.id), ...queued]) {
    const status = (await rec.detail(id)).status;
    if (isFinished(status) && !ended.has(status)) ended.set(status, id);
  }
  for (const id of ended.values())
    for (const action of ['stop', 'force-stop'] as const) control.push(await controlAnswer(rec, id, action));
  // Tasks awaiting approval: the first is approved, the next rejected (each answer replays on any such task).
  const awaiting = snapshot.tasks.filter((t) => t.status === 'awaiting-approval').map((t) => t.id);
  const [approved, rejected] = awaiting;
  if (approved) control.push(await controlAnswer(rec, approved, 'approve'));
  if (rejected) control.push(await controlAnswer(rec, rejected, 'reject'));
  // A deferred task has not started: stop cancels it (the panel offers it as Cancel).
  const deferred = snapshot.tasks.find((t) => t.status === 'deferred');
  if (deferred) control.push(await controlAnswer(rec, deferred.id, 'stop'));
  return { tasks: stories, control };
}

/** A trigger that queued a task: its story, for which the task is stopped and then retried. */
async function triggered(rec: Recording, path: string, body: Record<string, unknown>): Promise<Exchange> {
  const { reply, task } = await act(rec, path, body);
  if (!task) return { path, body, reply };
  await rec.client.post(`/api/tasks/${task.id}/stop`);
  return { path, body, reply, task: { detail: task, retry: await taskAction(rec, task.id, 'retry', false) } };
}

/** The Units page: dry run and "update now" of each unit, the same for all units, and a bad trigger. */
export async function recordExchanges(rec: Recording, units: ApiUnit[]): Promise<Exchange[]> {
  const out: Exchange[] = [];
  for (const { unit } of units) {
    const path = `/api/units/${unit}/update`;
    out.push(await triggered(rec, path, { dryRun: true }));
    out.push(await triggered(rec, path, { reason: REASON_MARK }));
  }
  out.push(await triggered(rec, '/api/tasks', { all: true, dryRun: true, caller: 'web' }));
  out.push(await triggered(rec, '/api/tasks', { all: true, caller: 'web', reason: REASON_MARK }));
  const first = units.find((u) => u.managed);
  if (first) {
    out.push(await triggered(rec, '/api/tasks', { units: [first.unit], dryRun: true }));
    out.push(await triggered(rec, '/api/tasks', { units: [first.unit] }));
  }
  out.push(await triggered(rec, '/api/tasks', {}));
  return out;
}

/**
 * The Units page's snooze choices: a day, a week, a date-time picked (three days on, 08:00 UTC), and one
 * picked in the past (yesterday, 08:00 UTC), which the server refuses.
 */
export const snoozeChoices = (now: number): string[] => {
  const day = Math.floor(now / 86_400_000) * 86_400_000;
  return ['1d', '7d', new Date(day + 3 * 86_400_000 + 8 * 3_600_000).toISOString()].concat(
    new Date(day - 86_400_000 + 8 * 3_600_000).toISOString(),
  );
};

/**
 * The override fields of the Units page: each value it offers or a user plausibly types, the reset (null),
 * and a value the server refuses (its message is shown at the field).
 */
export const OVERRIDES: ReadonlyArray<Record<string, string | null>> = [
  ...['auto', 'notify', 'approve', 'off', 'default'].map((policy) => ({ policy })),
  { minAge: '3d' },
  { minAge: '12h' },
  { minAge: 'soon' },
  { minAge: null },
  { window: 'Sat 02:00-05:00 UTC' },
  { window: 'Sat 02:00-05:00' },
  { window: null },
];

/**
 * The panel's other changes: a unit's override (each field set, reset, refused), skip of the version it could
 * move to, each snooze choice and the unsnooze, with the unit's policy as GET /api/units shows it after each;
 * every schedule run now, paused, resumed, deleted; a schedule created from the editor's first preset.
 */
export async function recordPolicyExchanges(rec: Recording, snapshot: Snapshot): Promise<Exchange[]> {
  const out: Exchange[] = [];
  const send = async (
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: Record<string, unknown>,
    unit?: string,
  ) => {
    const reply = await rec.client.request(method, path, method === 'DELETE' ? undefined : body);
    const after = unit && reply.status < 300 ? await unitAfter(rec, unit) : undefined;
    out.push({ method, path, body, reply, ...(after ? { unit: after } : {}) });
  };
  for (const u of snapshot.units.body.units.filter((x) => x.managed)) {
    const path = `/api/units/${u.unit}`;
    for (const body of OVERRIDES) await send('PUT', `${path}/policy`, body, u.unit);
    const digest = u.check?.digest ?? u.registryDigest;
    if (digest && digest !== u.runningDigest) await send('POST', `${path}/skip`, { digest }, u.unit);
    for (const until of [...snoozeChoices(Date.now()), null])
      await send('POST', `${path}/snooze`, { until }, u.unit);
  }
  for (const s of snapshot.schedules.body.schedules) {
    const path = `/api/schedules/${s.name}`;
    await send('POST', `${path}/${s.paused ? 'resume' : 'pause'}`, {});
    await send('POST', `${path}/${s.paused ? 'pause' : 'resume'}`, {});
    await send('POST', `${path}/run`, {});
    const { cron, zone, action, units, randomDelay } = s;
    await send('PUT', path, { cron, zone, action, units, randomDelay });
  }
  await send('POST', '/api/schedules', {
    name: 'from-the-panel',
    cron: '0 3 * * *',
    zone: 'UTC',
    action: 'check',
  });
  for (const s of snapshot.schedules.body.schedules) await send('DELETE', `/api/schedules/${s.name}`, {});
  return out;
}

/**
 * "Send a test delivery" from the Settings page: through the recorded origin into podup (a working proxy), then
 * with nothing listening there. The delivery ids are random: the fixtures say what stands for them.
 */
export async function recordTestDelivery(rec: Recording): Promise<DataFixture['testDelivery']> {
  const send = async (as: string) => {
    const answer = (await rec.client.post(
      '/api/v1/settings/test-delivery',
    )) as DataFixture['testDelivery']['reached'];
    if (answer.body && 'delivery' in answer.body) rec.standIn(answer.body.delivery, as);
    return answer;
  };
  serveAppAt(rec.t, RECORDED_ORIGIN);
  const reached = await send('podup-test-recordedreached');
  rec.t.adapters.web.serve(RECORDED_ORIGIN, undefined);
  const unreached = await send('podup-test-recordedunreach');
  return { reached, unreached };
}

async function unitAfter(rec: Recording, unit: string): Promise<UnitAfter | undefined> {
  const units = (await rec.client.get('/api/units')).body as { units: ApiUnit[] };
  const u = units.units.find((x) => x.unit === unit);
  return u && { unit: u.unit, updatePolicy: u.updatePolicy, waiting: u.waiting };
}

/**
 * The snapshot, then everything the panel can do from there; `running`: the task left running at the snapshot,
 * whose control answers another session records.
 */
export async function recordAnswers(
  rec: Recording,
  options: { running?: string } = {},
): Promise<DataFixture> {
  const snapshot = await takeSnapshot(rec);
  const notifications = await recordNotifications(rec);
  const tokens = await recordTokens(rec);
  const testDelivery = await recordTestDelivery(rec);
  const { tasks, control } = await recordControl(rec, snapshot, options);
  const exchanges = await recordExchanges(rec, snapshot.units.body.units);
  exchanges.push(...(await recordPolicyExchanges(rec, snapshot)));
  const changes = await recordChannelChanges(rec, notifications.channels.body);
  return {
    ...snapshot,
    tasks,
    control,
    exchanges,
    tokens,
    notifications: { ...notifications, ...changes },
    testDelivery,
  };
}

/** The usual data profile: its answers, with the session's volatile parts replaced. */
export async function recordDataProfile(rec: Recording): Promise<DataFixture> {
  return rec.finish(await recordAnswers(rec));
}
