/**
 * Rejections folded per source, method, route, status, reason and minute: the first one of a minute is stored
 * as an event row (an operator sees at once why GitHub's deliveries fail), the others only raise that row's
 * count, written by the housekeeping flush. At most MAX_FOLDS_PER_MINUTE rows a minute: past that (many
 * addresses, random paths) the rest fold into one row per method and status whose route and source read
 * "(many)".
 */
import { MINUTE_MS } from './request-counter.js';

export const MAX_FOLDS_PER_MINUTE = 100;
export const MANY = '(many)';

export interface Fold {
  /** The row's id once its insert committed. */
  id: number | undefined;
  /** Requests folded onto the row since its count was last written. */
  pending: number;
  /** Past the minute's bound: the row stands for many sources and routes. */
  overflow: boolean;
}

export type FoldHit = { first: true; fold: Fold } | { first: false };

export interface FoldIncrement {
  id: number;
  n: number;
}

export class RejectionFolds {
  private current = new Map<string, Fold>();
  /** Folds of past minutes whose count is not written yet. */
  private closed: Fold[] = [];
  private minute = -1;

  hit(
    source: string | null,
    method: string,
    route: string,
    status: number,
    reason: string | undefined,
    now: number,
  ): FoldHit {
    const bucket = now - (now % MINUTE_MS);
    if (bucket !== this.minute) {
      this.minute = bucket;
      this.closed.push(...this.current.values());
      this.current.clear();
    }
    let key = `${method}\n${status}\n${source ?? ''}\n${route}\n${reason ?? ''}`;
    let overflow = false;
    if (!this.current.has(key) && this.current.size >= MAX_FOLDS_PER_MINUTE) {
      key = `${method}\n${status}\n${MANY}`;
      overflow = true;
    }
    const fold = this.current.get(key);
    if (fold) {
      fold.pending++;
      return { first: false };
    }
    const created: Fold = { id: undefined, pending: 0, overflow };
    this.current.set(key, created);
    return { first: true, fold: created };
  }

  /** The first row's insert committed. */
  stored(fold: Fold, id: number): void {
    fold.id = id;
  }

  /** The first row's insert failed: the next rejection with that key writes a row again. */
  failed(fold: Fold): void {
    for (const [key, f] of this.current) if (f === fold) this.current.delete(key);
    this.closed = this.closed.filter((f) => f !== fold);
  }

  /** The counts to add to stored rows; each is taken once. Past minutes are forgotten once written. */
  take(): FoldIncrement[] {
    const out: FoldIncrement[] = [];
    const collect = (f: Fold) => {
      if (f.id !== undefined && f.pending > 0) {
        out.push({ id: f.id, n: f.pending });
        f.pending = 0;
      }
    };
    this.current.forEach(collect);
    this.closed.forEach(collect);
    // A closed fold whose insert is still in flight stays until it is stored or failed.
    this.closed = this.closed.filter((f) => f.id === undefined);
    return out;
  }

  get size(): number {
    return this.current.size + this.closed.length;
  }
}
