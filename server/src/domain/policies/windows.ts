/**
 * Maintenance windows: `Sat 02:00-05:00 Europe/Berlin`, `Mon-Fri 22:00-06:00 UTC`, `daily 03:00-04:00 UTC`.
 * The time zone is part of every window (a window without one would move with the host's clock setting);
 * a window whose end is not after its start runs past midnight into the next day. Pure: Intl does the zones.
 */

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MINUTE = 60_000;
const DAY = 86_400_000;

export interface MaintenanceWindow {
  /** As written (normalised spacing): what views show. */
  text: string;
  /** Days (0 = Sunday) on which the window starts. */
  days: ReadonlySet<number>;
  /** Minutes after local midnight. */
  start: number;
  end: number;
  zone: string;
}

function dayIndex(name: string): number {
  const i = DAY_NAMES.indexOf(name.slice(0, 3).toLowerCase() as (typeof DAY_NAMES)[number]);
  const full = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  if (i < 0 || !(name.length === 3 || full[i] === name.toLowerCase()))
    throw new Error(`"${name}" is not a day (Mon, Tue, ... Sun)`);
  return i;
}

function parseDays(spec: string): Set<number> {
  if (spec === '*' || /^(daily|every\s*day)$/i.test(spec)) return new Set([0, 1, 2, 3, 4, 5, 6]);
  const days = new Set<number>();
  for (const part of spec.split(',')) {
    const [from, to] = part.split(/-|\.\./).map((s) => s.trim());
    if (!from) throw new Error(`"${spec}" names no day`);
    const a = dayIndex(from);
    const b = to === undefined ? a : dayIndex(to);
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return days;
}

const clock = (s: string): number => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  if (!m || h > 24 || min > 59 || (h === 24 && min > 0)) throw new Error(`"${s}" is not a time (HH:MM)`);
  return h * 60 + min;
};

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** One window; throws an Error saying what is wrong. */
export function parseWindow(text: string): MaintenanceWindow {
  const parts = text.trim().split(/\s+/);
  const example = 'write it as DAYS HH:MM-HH:MM ZONE, e.g. "Sat 02:00-05:00 Europe/Berlin"';
  if (parts.length !== 3) {
    const hint = parts.length === 2 ? 'the time zone is missing' : 'it is not DAYS TIMES ZONE';
    throw new Error(`maintenance window "${text.trim()}": ${hint}; ${example}`);
  }
  const [days, times, zone] = parts as [string, string, string];
  try {
    const [from, to] = times.split('-');
    if (from === undefined || to === undefined) throw new Error(`"${times}" is not HH:MM-HH:MM`);
    if (!isTimeZone(zone))
      throw new Error(`"${zone}" is not a time zone (IANA name such as Europe/Berlin, or UTC)`);
    return {
      text: `${days} ${times} ${zone}`,
      days: parseDays(days),
      start: clock(from),
      end: clock(to),
      zone,
    };
  } catch (e) {
    throw new Error(`maintenance window "${text.trim()}": ${(e as Error).message}; ${example}`, { cause: e });
  }
}

/** Several windows separated by ";". */
export function parseWindows(text: string): MaintenanceWindow[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseWindow);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of `ms` in `zone`. */
function local(ms: number, zone: string): { y: number; mo: number; d: number; minutes: number; day: number } {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
  const y = p.year ?? 1970;
  const mo = p.month ?? 1;
  const d = p.day ?? 1;
  return {
    y,
    mo,
    d,
    minutes: (p.hour ?? 0) * 60 + (p.minute ?? 0),
    day: new Date(Date.UTC(y, mo - 1, d)).getUTCDay(),
  };
}

/** The instant the wall clock of `zone` shows y-mo-d at `minutes` after midnight. */
function instant(y: number, mo: number, d: number, minutes: number, zone: string): number {
  const wall = Date.UTC(y, mo - 1, d) + minutes * MINUTE;
  const offsetAt = (t: number) => {
    const l = local(t, zone);
    return Date.UTC(l.y, l.mo - 1, l.d) + l.minutes * MINUTE - Math.floor(t / MINUTE) * MINUTE;
  };
  const first = wall - offsetAt(wall);
  const second = wall - offsetAt(first);
  return second;
}

function openIn(w: MaintenanceWindow, now: number): boolean {
  const l = local(now, w.zone);
  const crosses = w.end <= w.start;
  if (!crosses) return w.days.has(l.day) && l.minutes >= w.start && l.minutes < w.end;
  return (w.days.has(l.day) && l.minutes >= w.start) || (w.days.has((l.day + 6) % 7) && l.minutes < w.end);
}

/** No window means always open. */
export function windowOpen(windows: readonly MaintenanceWindow[], now: number): boolean {
  return windows.length === 0 || windows.some((w) => openIn(w, now));
}

/** When the next window opens (now, when one is open). */
export function nextOpening(windows: readonly MaintenanceWindow[], now: number): number {
  if (windowOpen(windows, now)) return now;
  let best = Infinity;
  for (const w of windows) {
    const today = local(now, w.zone);
    for (let k = 0; k <= 8; k++) {
      const date = new Date(Date.UTC(today.y, today.mo - 1, today.d) + k * DAY);
      if (!w.days.has(date.getUTCDay())) continue;
      const at = instant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), w.start, w.zone);
      if (at > now && at < best) best = at;
    }
  }
  return best;
}

/** When the window open at `now` closes (the earliest end among the open ones). */
export function windowCloses(windows: readonly MaintenanceWindow[], now: number): number | null {
  let best: number | null = null;
  for (const w of windows) {
    if (!openIn(w, now)) continue;
    const l = local(now, w.zone);
    const endToday = instant(l.y, l.mo, l.d, w.end, w.zone);
    const end = endToday > now ? endToday : instant(l.y, l.mo, l.d, w.end, w.zone) + DAY;
    if (best === null || end < best) best = end;
  }
  return best;
}
