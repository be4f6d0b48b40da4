/**
 * What the event log keeps of a request that no use case recorded. Anyone can send health probes, fetch the
 * panel's files, poll, or be refused, without a credential: none of these may cost a row each, or a flood of
 * them fills the disk. Use cases record the rest themselves, one row each (every outcome the webhook intake
 * decides, every trigger and task action).
 *
 * - counted: a read that succeeded without remark (GET, HEAD, OPTIONS below 400 with no reason noted): a
 *   counter per route, status and minute.
 * - folded: a refusal or failure (400 and above), or a read answered with a remark (GET /api/session with a
 *   wrong ForwardAuth value answers "signed out" and notes why): one row per source, route, status and
 *   minute, with a count.
 * - stored: anything else (a successful change no use case recorded: sign-in and out, prune): one row.
 */
export type Disposition = 'counted' | 'folded' | 'stored';

const READS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isRead = (method: string): boolean => READS.has(method);

export function dispositionOf(method: string, status: number, noted: boolean): Disposition {
  if (status >= 400) return 'folded';
  if (!isRead(method)) return 'stored';
  return noted ? 'folded' : 'counted';
}
