/**
 * GET /api/tasks and /api/events over the mock's lists: each query field keeps the entries whose field has
 * that value, `q` is a case-insensitive substring, pages follow the server's cursor formats.
 */
import type { z } from 'zod';
import { TASKS_TOTAL_UP_TO } from '@vocabulary';
import {
  isDelivery,
  type ApiEvent,
  type ApiTask,
  type EventsQuery,
  type TasksPage,
  type TasksQuery,
} from '@contract';
import { journalErrorLine } from '@vocabulary';
import { mockState, type MockTask } from './state';

type TasksQueryIn = z.infer<typeof TasksQuery>;

const cursorOf = (t: ApiTask) => `${Date.parse(t.createdAt)}.${t.id}`;

function matches(t: MockTask, q: TasksQueryIn): boolean {
  const { task } = t;
  if (q.status && task.status !== q.status) return false;
  if (q.kind && !q.kind.includes(task.kind)) return false;
  if (q.trigger && !q.trigger.includes(task.trigger)) return false;
  if (q.image && task.image !== q.image) return false;
  if (q.unit && !t.units.includes(q.unit)) return false;
  if (q.q) {
    const needle = q.q.toLowerCase();
    const fields = [task.id, task.image, task.units?.join(','), task.caller, task.reason, task.summary];
    if (!fields.some((f) => f?.toLowerCase().includes(needle))) return false;
  }
  return true;
}

export function listTasks(q: TasksQueryIn): TasksPage {
  const all = mockState().tasks;
  let start = 0;
  if (q.cursor) {
    const at = all.findIndex((t) => cursorOf(t.task) === q.cursor);
    start = at < 0 ? all.length : at + 1;
  }
  const tasks: ApiTask[] = [];
  // The server counts the matches with the first page only.
  const total = q.cursor ? undefined : all.filter((t) => matches(t, q)).length;
  const page = (nextCursor: string | null): TasksPage => ({
    tasks,
    nextCursor,
    ...(total === undefined ? {} : { total: Math.min(total, TASKS_TOTAL_UP_TO) }),
    ...(total !== undefined && total > TASKS_TOTAL_UP_TO ? { totalCapped: true } : {}),
  });
  for (let i = start; i < all.length; i++) {
    const t = all[i] as MockTask;
    if (!matches(t, q)) continue;
    if (tasks.length === q.limit) return page(cursorOf(tasks.at(-1) as ApiTask));
    tasks.push(rowOf(t));
  }
  return page(null);
}

const FAILED = new Set(['failed', 'rolled-back', 'interrupted']);

/** A list row as the server makes it from the task's detail: its units' results, its journal's error line. */
function rowOf(t: MockTask): ApiTask {
  const d = t.detail;
  const journal = FAILED.has(d.status)
    ? (d.log
        .filter((l) => l.step === 'diagnose')
        .map((l) => journalErrorLine(l.message))
        .find((l) => l !== null) ?? null)
    : null;
  return {
    ...t.task,
    outcomes: [...d.unitResults]
      .sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0))
      .map((u) => ({ unit: u.unit, status: u.status, reason: u.reason })),
    journal,
  };
}

/** since / until: unix milliseconds, an ISO date, or a duration back from now (24h, 7d, 30m). */
export function parseTime(text: string, now = Date.now()): number | undefined {
  const s = text.trim();
  if (/^\d{10,}$/.test(s)) return Number(s);
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i.exec(s);
  if (m) {
    const unit = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[(m[2] ?? 's').toLowerCase()] ?? 1;
    return now - Number(m[1]) * unit;
  }
  const t = /^\d{4}-\d{2}/.test(s) ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

export function listEvents(
  q: EventsQuery,
  range: { since?: number | undefined; until?: number | undefined },
): { events: ApiEvent[]; nextCursor: string | null } {
  const events: ApiEvent[] = [];
  for (const e of mockState().events) {
    if (q.cursor !== undefined && e.id >= q.cursor) continue;
    const time = Date.parse(e.time);
    if (range.since !== undefined && time < range.since) continue;
    if (range.until !== undefined && time > range.until) continue;
    const fields: Array<[unknown, unknown]> = [
      [q.route, e.route],
      [q.outcome, e.outcome],
      [q.event, e.event],
      [q.delivery, e.delivery],
      [q.image, e.image],
      [q.task, e.taskId],
      [q.status, e.status],
      [q.actor, e.actor],
    ];
    if (fields.some(([want, has]) => want !== undefined && want !== has)) continue;
    if (q.traffic === 'deliveries' && !isDelivery(e)) continue;
    if (events.length === q.limit) return { events, nextCursor: String(events.at(-1)?.id) };
    events.push(e);
  }
  return { events, nextCursor: null };
}
