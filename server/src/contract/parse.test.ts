import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { parseEventsQuery } from './events-query.js';
import { DEFAULT_RETENTION } from '../use-cases/prune.js';
import { parseInput } from './parse.js';
import { parsePruneBody } from './prune-body.js';
import { parseTasksQuery } from './tasks-query.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).message;
  }
  throw new Error('expected an AppError');
}

describe('parseInput labels', () => {
  const Body = z.object({ limit: z.number() }).strict();

  it('names a field by its label and the input as a whole by what it is', () => {
    expect(message(() => parseInput(Body, { limit: 'x' }, 'BAD_REQUEST'))).toMatch(/^limit: /);
    expect(message(() => parseInput(Body, { limit: 1, x: 1 }, 'BAD_REQUEST'))).toMatch(/^body: /);
    expect(message(() => parseInput(Body, { limit: 1, x: 1 }, 'INVALID_QUERY', (f) => f, 'query'))).toMatch(
      /^query: /,
    );
  });

  it('a query string with an unknown key is a query problem, for events and tasks', () => {
    expect(message(() => parseEventsQuery({ nope: '1' }, 0))).toBe('query: Unrecognized key: "nope"');
    expect(message(() => parseTasksQuery({ nope: '1' }))).toBe('query: Unrecognized key: "nope"');
    expect(message(() => parseTasksQuery({ limit: '0' }, (f) => `--${f}`))).toMatch(/^--limit: /);
  });
});

describe('parsePruneBody', () => {
  it('defaults to the periods the server applies by itself every hour', () => {
    expect(parsePruneBody({})).toEqual({ ...DEFAULT_RETENTION, dryRun: false });
  });
});
