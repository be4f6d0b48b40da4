import { describe, expect, it } from 'vitest';
import { formatAgo, formatDuration, shortDigest, toneOf } from './format';

describe('format', () => {
  it('shortens digests to 12 hex characters', () => {
    expect(shortDigest(`sha256:${'ab'.repeat(32)}`)).toBe('abababababab');
    expect(shortDigest(null)).toBe('—');
  });

  it('colours statuses: green succeeded, red failed, amber the rest that ended, blue in flight', () => {
    expect(
      [
        'succeeded',
        'failed',
        'rolled-back',
        'cancelled',
        'interrupted',
        'skipped',
        'running',
        'queued',
        'new-thing',
        null,
      ].map(toneOf),
    ).toEqual(['ok', 'bad', 'warn', 'warn', 'warn', 'warn', 'busy', 'busy', 'idle', 'idle']);
  });

  it('durations and relative times', () => {
    expect([450, 2_345, 42_000, 125_000].map(formatDuration)).toEqual([
      '450 ms',
      '2.3 s',
      '42 s',
      '2 min 5 s',
    ]);
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(formatAgo('2025-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(formatAgo('2025-01-01T11:00:00Z', now)).toBe('1 h ago');
    expect(formatAgo('2024-12-29T12:00:00Z', now)).toBe('3 d ago');
  });
});
