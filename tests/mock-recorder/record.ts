/**
 * Records every fixture of the panel's mocks from the real server on the fakes. Run it with
 * `npm run mocks:record` (which writes web/src/testing/mocks/fixtures/); tests/app/mock-fixtures.test.ts runs
 * it in memory and fails when the committed fixtures no longer match what the server answers.
 */
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { recordBusy, recordDegraded, recordEmpty, recordHappyPath, recordRealHost } from './scenarios.js';
import { recordTransport } from './transport.js';

export const FIXTURE_DIR = join(repoRoot, 'web/src/testing/mocks/fixtures');

/** One file each; the rate-limited and auth-error profiles are happy-path's data behind transport's answers. */
export const FIXTURES = {
  'happy-path': recordHappyPath,
  empty: recordEmpty,
  busy: recordBusy,
  degraded: recordDegraded,
  'real-host': recordRealHost,
  transport: recordTransport,
} as const;

export type FixtureName = keyof typeof FIXTURES;

/**
 * JSON with one record per line (a task, an event, a log line, a frame), so that a re-recording's diff
 * shows what the server now answers differently, without a wall of re-indented lines.
 */
export function serialise(value: unknown): string {
  const write = (x: unknown, indent: string): string => {
    if (isRecord(x)) return JSON.stringify(x);
    const inner = `${indent}  `;
    if (Array.isArray(x)) return `[\n${x.map((item) => inner + write(item, inner)).join(',\n')}\n${indent}]`;
    const lines = Object.entries(x as object).map(
      ([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner)}`,
    );
    return `{\n${lines.join(',\n')}\n${indent}}`;
  };
  return `${write(value, '')}\n`;
}

const isScalar = (x: unknown): boolean => x === null || typeof x !== 'object';

/** A line of its own: a scalar, a list of scalars, or an object of those (and of objects of scalars). */
function isRecord(x: unknown): boolean {
  if (isScalar(x)) return true;
  if (Array.isArray(x)) return x.every(isScalar);
  return Object.values(x as object).every(
    (v) => isScalar(v) || (Array.isArray(v) ? v.every(isScalar) : Object.values(v as object).every(isScalar)),
  );
}
