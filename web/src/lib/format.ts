/** Small display helpers shared by every page. Pure. */
import { isFinished, isWaiting, type TaskStatus } from '@vocabulary';

/** `sha256:0123456789abcdef...` -> `0123456789ab` (what `podman images` shows). */
export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return '—';
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/**
 * Every absolute time in the panel reads one way, "Sat 30 Nov 2026, 15:04:05" (the log's lines and a schedule's
 * runs show the parts of it they need), on a 24-hour clock, in this browser's zone.
 */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const part = partsOf(d);
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}, ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** A cron expression of six fields starts with seconds (the scheduler's own rule): its runs show them. */
export const hasSecondsField = (cron: string): boolean => cron.trim().split(/\s+/).length === 6;

/** The parts of `d` on a 24-hour clock, in `zone` (a zone this browser does not know: its own). */
function partsOf(d: Date, zone?: string): (type: Intl.DateTimeFormatPartTypes) => string {
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  };
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone }).formatToParts(d);
  } catch {
    parts = new Intl.DateTimeFormat(undefined, options).formatToParts(d);
  }
  return (type) => parts.find((p) => p.type === type)?.value ?? '';
}

/**
 * "Sat 18 Jan, 03:00" (or "Sat 18 Jan, 03:00:30" with `seconds`) as a clock in `zone` shows it: a schedule's
 * runs, in the schedule's own zone. Built from parts so every locale reads it in the same order.
 */
export function formatInZone(iso: string, zone: string, options: { seconds?: boolean } = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const part = partsOf(d, zone);
  const clock = `${part('hour')}:${part('minute')}${options.seconds ? `:${part('second')}` : ''}`;
  return `${part('weekday')} ${part('day')} ${part('month')}, ${clock}`;
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** "in 2 days", "in 5 hours", "in 40 minutes", "in 30 seconds": how far off `iso` is from `now`, in words. */
export function formatDistance(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((t - now) / 1000);
  if (Math.abs(s) < 60) return relative.format(s, 'second');
  const m = Math.round(s / 60);
  if (Math.abs(m) < 60) return relative.format(m, 'minute');
  const h = Math.round(m / 60);
  if (Math.abs(h) < 48) return relative.format(h, 'hour');
  return relative.format(Math.round(h / 24), 'day');
}

/** The clock part of formatTime: a log line's time. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const part = partsOf(d);
  return `${part('hour')}:${part('minute')}:${part('second')}`;
}

/** "3 min ago" relative to `now` (passed in so rendering stays pure). */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 0) return 'just now';
  if (s < 45) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

/** "in 3 min 20 s" until `iso` (a countdown), "due" once it passed. */
export function formatIn(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((t - now) / 1000);
  if (s <= 0) return 'due';
  if (s < 60) return `in ${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `in ${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `in ${h} h ${m % 60} min`;
  return `in ${Math.round(h / 24)} d`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** Milliseconds between two ISO times, or null when either is missing. */
export function between(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const d = Date.parse(to) - Date.parse(from);
  return Number.isNaN(d) ? null : d;
}

export { TASK_STATUSES, type TaskStatus } from '@vocabulary';

/** Not over yet (queued, running, waiting on its policy): the server's own rule, not a second list here. */
export const isActive = (status: TaskStatus): boolean => !isFinished(status);

/** Queued or running: worth polling closely. A waiting task may wait for days, so it is not. */
export const isInFlight = (status: TaskStatus): boolean => isActive(status) && !isWaiting(status);

export type Tone = 'ok' | 'bad' | 'warn' | 'busy' | 'idle';

/** succeeded green, failed red, anything that did not finish cleanly amber, in flight blue. */
export function toneOf(status: string | null | undefined): Tone {
  switch (status) {
    case 'succeeded':
    case 'ok':
    case 'accepted':
    case 'pong':
      return 'ok';
    case 'failed':
    case 'error':
    case 'rejected':
      return 'bad';
    case 'rolled-back':
    case 'cancelled':
    case 'interrupted':
    case 'skipped':
    case 'rate-limited':
    case 'duplicate':
    case 'awaiting-approval':
      return 'warn';
    case 'queued':
    case 'running':
      return 'busy';
    default:
      return 'idle';
  }
}
