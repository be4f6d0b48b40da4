/**
 * Requests counted instead of stored, per route, method, status and minute, held in memory until taken (the
 * housekeeping flush adds them to request_counts). Bounded: routes are patterns, except paths no route matched
 * (the panel's fallback answers any path); past MAX_KEYS_PER_MINUTE keys in a minute the rest count as "(other)".
 */
export const MINUTE_MS = 60_000;
export const MAX_KEYS_PER_MINUTE = 200;
export const OTHER_ROUTE = '(other)';

export interface RequestCount {
  /** Start of the minute (unix ms). */
  bucket: number;
  route: string;
  method: string;
  status: number;
  count: number;
}

export class RequestCounter {
  private pending = new Map<string, RequestCount>();
  /** Keys seen in the current minute, taken or not: the bound holds across flushes. */
  private minuteKeys = new Set<string>();
  private minute = -1;

  add(route: string, method: string, status: number, now: number): void {
    const bucket = now - (now % MINUTE_MS);
    if (bucket !== this.minute) {
      this.minute = bucket;
      this.minuteKeys.clear();
    }
    let key = `${bucket}\n${method}\n${status}\n${route}`;
    if (!this.minuteKeys.has(key)) {
      if (this.minuteKeys.size >= MAX_KEYS_PER_MINUTE) {
        route = OTHER_ROUTE;
        key = `${bucket}\n${method}\n${status}\n${route}`;
      }
      this.minuteKeys.add(key);
    }
    const entry = this.pending.get(key);
    if (entry) entry.count++;
    else this.pending.set(key, { bucket, route, method, status, count: 1 });
  }

  /** The counts since the last take; the counter starts again from zero. */
  take(): RequestCount[] {
    const counts = [...this.pending.values()];
    this.pending = new Map();
    return counts;
  }

  get size(): number {
    return this.pending.size;
  }
}
