/**
 * Politeness per registry host: at most `concurrency` requests at once, and a pause that every request to the
 * host waits out once it answered 429 (Retry-After, or a doubling backoff when it names none).
 */

export interface HostLimits {
  concurrency: number;
  /** Retries after a 429 before the lookup gives up (its result is then unknown, never "up to date"). */
  retries: number;
  /** A Retry-After longer than this is not waited for: the lookup gives up at once. */
  maxWaitMs: number;
  /** The first wait when a 429 names no Retry-After; doubled on each retry. */
  backoffMs: number;
}

export const DEFAULT_HOST_LIMITS: HostLimits = {
  concurrency: 4,
  retries: 2,
  maxWaitMs: 30_000,
  backoffMs: 1000,
};

/** Retry-After: seconds, or an HTTP date. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class HostGate {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  /** Requests to this host wait until then (unix ms): it answered 429. */
  pausedUntil = 0;

  constructor(private readonly concurrency: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.queue.shift()?.();
    };
  }
}
