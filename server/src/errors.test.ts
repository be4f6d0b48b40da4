import { describe, expect, it } from 'vitest';
import { AppError, ERROR_TABLE, errnoCode, exitStatusFor, isErrorCode, statusFor } from './errors.js';

describe('the error table', () => {
  it('gives every code an HTTP status and an exit status; only bad input exits 2', () => {
    for (const [code, { status, exit }] of Object.entries(ERROR_TABLE)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      if (exit === 2) expect(status, `${code} exits 2 but is not a client error`).toBeLessThan(500);
    }
    expect(exitStatusFor('PODMAN_UNAVAILABLE')).toBe(69);
    expect(statusFor('PODMAN_UNAVAILABLE')).toBe(503);
    expect(exitStatusFor('RATE_LIMITED')).toBe(75);
    expect(exitStatusFor('UNAUTHORIZED')).toBe(77);
    expect(exitStatusFor('STATE_DIR_UNUSABLE')).toBe(78);
    expect(exitStatusFor('INVALID_QUERY')).toBe(2);
  });

  it('recognises the codes a server sends back', () => {
    expect(isErrorCode('NOT_FOUND')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});

describe('errnoCode', () => {
  it('finds the errno of a system error, also as the cause of another error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(errnoCode(refused)).toBe('ECONNREFUSED');
    const wrapped = Object.assign(new Error('fetch failed'), { code: 'UND_ERR_CONNECT', cause: refused });
    expect(errnoCode(wrapped)).toBe('ECONNREFUSED');
    expect(errnoCode(new AppError('INTERNAL', 'x', { cause: refused }))).toBe('ECONNREFUSED');
    expect(errnoCode(new Error('plain'))).toBeUndefined();
    expect(errnoCode('text')).toBeUndefined();
  });
});
