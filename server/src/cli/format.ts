/** Short, stable renderings for the CLI tables. */
import type { ApiTaskLog } from '../contract/api.js';

export const shortDigest = (d: string | null | undefined): string =>
  d ? d.replace(/^sha256:/, '').slice(0, 12) : '-';

export const shortTime = (iso: string | null | undefined): string =>
  iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';

export function logLine(l: ApiTaskLog): string {
  const time = l.time.slice(11, 19);
  const took = l.durationMs !== null ? ` (${l.durationMs} ms)` : '';
  const prefix = `${time} ${l.level.padEnd(5)} ${l.step.padEnd(8)} ${l.unit ? `${l.unit}: ` : ''}`;
  return `${prefix}${l.message.split('\n').join(`\n${' '.repeat(prefix.length)}`)}${took}`;
}
