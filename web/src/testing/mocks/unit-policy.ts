/**
 * A unit's override, skip and snooze: the exchange recorded for the same request, and the unit's policy as
 * the server showed it right after, so the Units page shows the change. Only the fields the request is about
 * are taken from the recording (the rest stays as the mock's earlier changes left it); a skip ends the unit's
 * tasks that no longer wait, as the server's skip cancels them.
 */
import type { ApiUnit } from '@contract';
import type { Exchange, Recorded } from './fixture-format';
import { replay } from './replay';
import { detailOf, findTask, mockState, sinceRecording } from './state';
import { notRecorded } from './task-actions';

const ISO = /^\d{4}-\d{2}-\d{2}T/;

const canonical = (body: Record<string, unknown>): string =>
  JSON.stringify(
    Object.keys(body)
      .sort()
      .map((k) => [k, body[k]]),
  );

/**
 * A snooze until a picked time answers like the one recorded until a picked time, moved to that time: the
 * future pick that was kept, or the past one the server refused.
 */
function find(
  method: 'POST' | 'PUT',
  path: string,
  body: Record<string, unknown>,
): { found: Exchange; picked?: string } | undefined {
  const same = (e: Exchange) => (e.method ?? 'POST') === method && e.path === path;
  const { exchanges } = mockState().data;
  const exact = exchanges.find((e) => same(e) && canonical(e.body) === canonical(body));
  if (exact) return { found: exact };
  const until = body.until;
  if (!path.endsWith('/snooze') || typeof until !== 'string' || !ISO.test(until)) return undefined;
  const picked = new Date(until);
  if (Number.isNaN(picked.getTime())) return undefined;
  const future = picked.getTime() > Date.now();
  const found = exchanges.find(
    (e) =>
      same(e) &&
      typeof e.body.until === 'string' &&
      ISO.test(e.body.until) &&
      e.reply.status < 300 === future,
  );
  return found && { found, picked: picked.toISOString() };
}

function apply(after: Exchange['unit'] & object, path: string, body: Record<string, unknown>): void {
  const s = mockState();
  const now = new Date().toISOString();
  const units = s.reads.units.body.units.map((u): ApiUnit => {
    if (u.unit !== after.unit) return u;
    const p = { ...u.updatePolicy };
    if (path.endsWith('/policy')) {
      if ('policy' in body) p.policy = after.updatePolicy.policy;
      if ('minAge' in body) p.minAge = after.updatePolicy.minAge;
      if ('window' in body) p.windows = after.updatePolicy.windows;
    } else if (path.endsWith('/snooze')) p.snoozedUntil = after.updatePolicy.snoozedUntil;
    else if (path.endsWith('/skip')) {
      p.skipped = after.updatePolicy.skipped;
      const still = new Set(after.waiting.map((w) => w.taskId));
      for (const w of u.waiting.filter((x) => !still.has(x.taskId))) {
        const t = findTask(w.taskId);
        if (t)
          t.detail = {
            ...detailOf(t),
            status: 'cancelled',
            summary: `version ${String(body.digest)} skipped by admin`,
            finishedAt: now,
          };
      }
    }
    return { ...u, updatePolicy: p };
  });
  s.reads = { ...s.reads, units: { ...s.reads.units, body: { ...s.reads.units.body, units } } };
}

export function changeUnit(method: 'POST' | 'PUT', path: string, body: Record<string, unknown>): Recorded {
  const match = find(method, path, body);
  if (!match) return notRecorded(`${method} ${path} ${JSON.stringify(body)}`);
  const { found, picked } = match;
  const shiftMs = sinceRecording();
  const replace = new Map<string, string>();
  let after = found.unit && replay(found.unit, { shiftMs });
  const recordedUntil = found.unit?.updatePolicy.snoozedUntil;
  if (after && recordedUntil) {
    // The reply names the snooze's end: the one the user picked, or the recorded one moved to now.
    const shown = picked ?? (after.updatePolicy.snoozedUntil as string);
    replace.set(recordedUntil, shown);
    after = { ...after, updatePolicy: { ...after.updatePolicy, snoozedUntil: shown } };
  }
  const reply = replay(found.reply, { shiftMs, replace });
  if (after && reply.status < 300) apply(after, path, body);
  return reply;
}
