/**
 * A recorded cron preview moved to now: whole weeks forward (the same weekday and time), then by the zone's
 * change of offset between the two dates (daylight saving), so each run stays where the expression puts it
 * on the schedule's clock, and lies ahead of now as the server's answer would.
 */
import type { CronPreview } from '@contract';
import type { Recorded } from './fixture-format';

const WEEK = 7 * 86_400_000;

/** How far the zone's clock is ahead of UTC at `ms`. */
function offsetOf(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(ms);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - (ms - (ms % 1000));
}

export function previewNow(answer: Recorded, sinceRecordingMs: number): Recorded {
  const body = answer.body as CronPreview | { error: unknown };
  if (!('next' in body)) return answer;
  const weeks = Math.max(0, Math.ceil(sinceRecordingMs / WEEK)) * WEEK;
  const next = body.next.map((iso) => {
    const at = Date.parse(iso);
    const moved = at + weeks;
    return new Date(moved + offsetOf(at, body.zone) - offsetOf(moved, body.zone)).toISOString();
  });
  return { ...answer, body: { ...body, next } };
}
