/**
 * What differs between two recordings of the same scenario, made the same: task ids and CSRF tokens are
 * random, the state directory is a fresh temp dir, request ids carry a per-process prefix, the process's
 * uptime and uid, the disk's free space and the database file's size (pages allocated as SQLite's WAL
 * checkpoints fall) are the machine's. Everything else is already fixed by simulated time and the scenario.
 */
import { createHash } from 'node:crypto';
import { formatTaskId } from '../../server/src/domain/tasks/task.js';

const TASK_ID = /tsk_[0-9A-Za-z]{16}/g;
const REQUEST_ID = /^[0-9a-f]{8}-(?=[0-9a-z]+$)/;
const FREE_SPACE = /\b\d+ MiB free\b/g;
const FILE_SIZES = /\b\d+ -> \d+ bytes\b/g;

/** A stable stand-in for the n-th task id a session saw, in the server's own id format. */
export const recordedTaskId = (n: number): string =>
  formatTaskId(createHash('sha256').update(`podup recorded task ${n}`).digest());

/** Task ids in the order a session first saw them: a re-recording sees them in the same order. */
export class IdBook {
  private readonly ids = new Map<string, string>();
  private skipped = 0;

  get size(): number {
    return this.ids.size + this.skipped;
  }

  /** New ids from here on are numbered after `n`: a branch of a session must not reuse the trunk's. */
  continueAfter(n: number): void {
    this.skipped = Math.max(0, n - this.ids.size);
  }

  see(value: unknown): void {
    for (const id of JSON.stringify(value ?? null).match(TASK_ID) ?? [])
      if (!this.ids.has(id)) this.ids.set(id, recordedTaskId(this.size + 1));
  }

  replace(text: string): string {
    return text.replace(TASK_ID, (id) => this.ids.get(id) ?? id);
  }
}

export interface Volatile {
  ids: IdBook;
  /** The temp state directory of the session. */
  stateDir: string;
  /** Values that stand for themselves in any string, e.g. the session's CSRF token. */
  tokens: Map<string, string>;
}

/** Fields whose values are the machine's, not the server's answer. */
const MACHINE_FIELDS: Record<string, unknown> = { uptimeSec: 3600, uid: 1000 };

export function normalise<T>(value: T, v: Volatile): T {
  const walk = (x: unknown, key?: string): unknown => {
    if (key !== undefined && key in MACHINE_FIELDS && typeof x === 'number') return MACHINE_FIELDS[key];
    if (typeof x === 'string') {
      let s = v.ids
        .replace(x.split(v.stateDir).join('/var/lib/podup'))
        .replace(FREE_SPACE, '20480 MiB free')
        .replace(FILE_SIZES, '462848 -> 462848 bytes');
      for (const [from, to] of v.tokens) s = s.split(from).join(to);
      return key === 'requestId' ? s.replace(REQUEST_ID, 'req-') : s;
    }
    if (Array.isArray(x)) return x.map((item) => walk(item));
    if (x && typeof x === 'object')
      return Object.fromEntries(Object.entries(x).map(([k, item]) => [k, walk(item, k)]));
    return x;
  };
  return walk(value) as T;
}
