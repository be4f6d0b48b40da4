/**
 * What the panel can do, answered from the recordings: stop and force-stop by the task's status (a queued
 * task takes on the recorded change), retry from the story of the task it copies, triggers and dry runs by
 * the exchange recorded for the same request, sign-in by the recorded sequence of answers.
 */
import type { ApiTaskDetail } from '@contract';
import { isFinished } from '@vocabulary';
import type { ControlAction, Recorded } from './fixture-format';
import { madeUpTaskId, replay, type Rebinding } from './replay';
import {
  addTask,
  answerFor,
  detailOf,
  findTask,
  mockState,
  recordedTransport,
  sinceRecording,
  type MockTask,
} from './state';

/** A gap in the recordings, named as one: a message for whoever extends the mocks, not podup's. */
export const notRecorded = (what: string): Recorded => ({
  status: 500,
  headers: {},
  body: {
    error: {
      code: 'NOT_RECORDED',
      message: `the mocks have no recorded answer to ${what}: record it in tests/mock-recorder (npm run mocks:record)`,
    },
  },
});

/** Ids of tasks the mock adds; far from the numbers the cloned history uses. */
const newTaskId = (): string => madeUpTaskId(10_000_000 + mockState().made++);

const missingTask = (id: string): Recorded => {
  const t = recordedTransport();
  return answerFor(t.taskNotFound, t.missingTask, id);
};

const controlAnswer = (t: MockTask, action: ControlAction) =>
  mockState().data.control.find((c) => c.status === t.task.status && c.action === action);

/** The reply names the task as it is after the action: this task, not the one it was recorded on. */
function naming(reply: Recorded, t: MockTask): Recorded {
  const body = reply.body as { task?: { id: string } } | null;
  return body?.task?.id === t.task.id ? { ...reply, body: { ...body, task: t.task } } : reply;
}

export function controlTask(id: string, action: 'stop' | 'force-stop' | 'approve' | 'reject'): Recorded {
  const t = findTask(id);
  if (!t) return missingTask(id);
  const live = mockState().live;
  const asked =
    live?.id === id && (action === 'stop' || action === 'force-stop') ? live.ask(action) : undefined;
  if (asked) return asked;
  const c = controlAnswer(t, action);
  if (!c) return notRecorded(`${action} of a ${t.task.status} task`);
  const how: Rebinding = { shiftMs: sinceRecording(), replace: new Map([[c.subject, id]]) };
  if (c.change) {
    const change = replay(c.change, how);
    const d = detailOf(t);
    let lastId = Math.max(0, ...d.log.map((l) => l.id));
    t.detail = {
      ...d,
      ...change.fields,
      log: [...d.log, ...change.log.map((l) => ({ ...l, id: ++lastId }))],
      unitResults: change.unitResults ?? d.unitResults,
    };
  }
  return naming(replay(c.reply, how), t);
}

export function retryTask(id: string): Recorded {
  const t = findTask(id);
  if (!t) return missingTask(id);
  if (!isFinished(t.task.status)) {
    const c = controlAnswer(t, 'retry');
    return c
      ? replay(c.reply, { replace: new Map([[c.subject, id]]) })
      : notRecorded(`a retry of a ${t.task.status} task`);
  }
  const story = t.story;
  if (!story?.retry?.task) return notRecorded(`a retry of ${id}`);
  const how: Rebinding = {
    shiftMs: sinceRecording(),
    replace: new Map([
      [story.detail.id, id],
      [story.retry.task.id, newTaskId()],
    ]),
  };
  // A retry of the retry copies the same target: it answers like the original's story.
  addTask(replay(story.retry.task, how), story);
  return replay(story.retry.reply, how);
}

const canonical = (body: Record<string, unknown>): string =>
  JSON.stringify(
    Object.keys(body)
      .sort()
      .map((k) => [k, body[k]]),
  );

const withoutReason = ({ reason: _reason, ...rest }: Record<string, unknown>) => canonical(rest);

/**
 * POST /api/tasks or /api/units/:unit/update: the exchange recorded for the same request. The reason the
 * user typed takes the place of the recorded one; without one the task has none.
 */
export function trigger(path: string, body: Record<string, unknown>): Recorded {
  const { data, reads } = mockState();
  const key = withoutReason(body);
  const exchange = data.exchanges.find((e) => e.path === path && withoutReason(e.body) === key);
  if (!exchange) {
    const named = /^\/api\/units\/([^/]+)\/update$/.exec(path)?.[1];
    const units = named
      ? [decodeURIComponent(named)]
      : Array.isArray(body.units)
        ? (body.units as string[])
        : [];
    const unknown = units.find((u) => !reads.units.body.units.some((k) => k.unit === u));
    const t = recordedTransport();
    if (unknown !== undefined) return answerFor(t.unitNotFound, t.missingUnit, unknown);
    return notRecorded(`POST ${path} ${JSON.stringify(body)}`);
  }
  const reason = typeof body.reason === 'string' ? body.reason : undefined;
  const replace = new Map<string, string>();
  if (exchange.task) replace.set(exchange.task.detail.id, newTaskId());
  if (reason !== undefined) replace.set(data.reasonMark, reason);
  const how: Rebinding = { shiftMs: sinceRecording(), replace };
  if (exchange.task) {
    const detail: ApiTaskDetail = replay(exchange.task.detail, how);
    addTask(
      reason === undefined && detail.reason === data.reasonMark ? { ...detail, reason: null } : detail,
      exchange.task,
    );
  }
  return replay(exchange.reply, how);
}

/**
 * A change the panel makes that only answers (a unit's policy, skip, snooze, the schedules): the exchange
 * recorded for the same method, path and body.
 */
export function exchange(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  body: Record<string, unknown>,
): Recorded {
  const { data } = mockState();
  const key = canonical(body);
  const found = data.exchanges.find(
    (e) => (e.method ?? 'POST') === method && e.path === path && canonical(e.body) === key,
  );
  if (!found) return notRecorded(`${method} ${path} ${JSON.stringify(body)}`);
  return replay(found.reply, { shiftMs: sinceRecording() });
}

/** Sign-in: the recorded token is right; wrong ones get the recorded answers in order, the last one after. */
export function signIn(token: string): Recorded {
  const t = recordedTransport();
  const s = mockState();
  if (token === t.token) {
    s.signedIn = true;
    return t.signIn;
  }
  const answer = t.wrongTokens[Math.min(s.wrongTokens, t.wrongTokens.length - 1)];
  s.wrongTokens += 1;
  return answer ?? notRecorded('a wrong token');
}
