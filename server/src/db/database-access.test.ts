/**
 * A state directory that exists but belongs to another user (podup's own, mode 0750): the fix is its owner or
 * permissions, never "start podup once" or "mkdir". Permissions cannot be denied to root, which the tests may
 * run as, so the file system says EACCES here for paths under LOCKED.
 */
import type * as Fs from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import { assertDatabaseReadable, openDatabase } from './database.js';

const LOCKED = 'locked-by-another-user';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof Fs>();
  return {
    ...real,
    accessSync: (path: string, mode?: number) => {
      if (String(path).includes(LOCKED))
        throw Object.assign(new Error(`EACCES: permission denied, access '${path}'`), { code: 'EACCES' });
      real.accessSync(path, mode);
    },
  };
});

const root = mkdtempSync(join(tmpdir(), 'podup-access-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError');
}

describe('a state directory this user may not use', () => {
  const stateDir = join(root, LOCKED);
  mkdirSync(stateDir);
  const dbPath = join(stateDir, 'podup.db');

  it('the CLI reading it: permissions, not "start podup once"', () => {
    const err = appError(() => assertDatabaseReadable(stateDir, dbPath));
    expect(err.code).toBe('STATE_DIR_UNUSABLE');
    expect(err.message).toContain('EACCES');
    expect(err.hint).toMatch(/run this as the user podup runs as/);
    expect(err.hint).toMatch(/chmod|chown/);
    expect(err.hint).toContain(stateDir);
    expect(err.hint).not.toMatch(/start podup once|mkdir/);
  });

  it.each([false, true])('opening it (read-only %s): permissions, not "mkdir"', (readonly) => {
    const err = appError(() => openDatabase({ stateDir, dbPath, readonly }));
    expect(err.code).toBe('STATE_DIR_UNUSABLE');
    expect(err.hint).toMatch(/run this as the user podup runs as/);
    expect(err.hint).not.toMatch(/start podup once|mkdir/);
  });

  it('a directory that really is missing still says how to create it', () => {
    const missing = join(root, 'never-used');
    expect(appError(() => assertDatabaseReadable(missing, join(missing, 'podup.db'))).hint).toMatch(
      /start podup once/,
    );
  });
});
