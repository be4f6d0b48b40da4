/**
 * The task runner's failures in a row (a store that refuses writes): how long to wait before the next try,
 * doubling from the poll interval up to a bound, and which failures to report: once per message in a streak,
 * and a message that keeps coming at most once per interval.
 */
import { errorMessage } from '../../errors.js';

const REPORT_EVERY_MS = 60_000;

export class Backoff {
  private failures = 0;
  private reported: { message: string; at: number } | undefined;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
  ) {}

  /** Failures so far in this streak. */
  get count(): number {
    return this.failures;
  }

  /** One more failure: the wait before the next try. */
  fail(): number {
    this.failures++;
    return Math.min(this.maxMs, this.firstMs * 2 ** Math.min(this.failures - 1, 30));
  }

  /** Whether `err` is news: not reported in this streak, or not within the interval. */
  isNew(err: unknown, now: number): boolean {
    const message = errorMessage(err);
    if (this.reported?.message === message && now - this.reported.at < REPORT_EVERY_MS) return false;
    this.reported = { message, at: now };
    return true;
  }

  /** Everything worked again: the next failure starts a new streak. */
  reset(): void {
    if (this.failures === 0) return;
    this.failures = 0;
    this.reported = undefined;
  }
}
