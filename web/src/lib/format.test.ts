import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatClock,
  formatDistance,
  formatDuration,
  formatInZone,
  formatTime,
  hasSecondsField,
  shortDigest,
  toneOf,
} from './format';

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

  it("a schedule's run on its own clock, seconds only when asked, and its distance in words", () => {
    // 01:00:30 UTC is 02:00:30 in Berlin in winter, 20:00:30 the day before in New York.
    const run = '2025-01-18T01:00:30.000Z';
    expect(formatInZone(run, 'Europe/Berlin', { seconds: true })).toBe('Sat 18 Jan, 02:00:30');
    expect(formatInZone(run, 'Europe/Berlin')).toBe('Sat 18 Jan, 02:00');
    expect(formatInZone(run, 'America/New_York', { seconds: true })).toBe('Fri 17 Jan, 20:00:30');
    // Summer time: the same wall clock is an hour earlier in UTC.
    expect(formatInZone('2025-07-05T00:00:30.000Z', 'Europe/Berlin', { seconds: true })).toBe(
      'Sat 5 Jul, 02:00:30',
    );
    const now = Date.parse(run);
    expect(
      [30_000, 40 * 60_000, 5 * 3_600_000, 2 * 86_400_000 + 3_600_000].map((ms) =>
        formatDistance(new Date(now + ms).toISOString(), now),
      ),
    ).toEqual(['in 30 seconds', 'in 40 minutes', 'in 5 hours', 'in 2 days']);
    expect(hasSecondsField('30 0 2 * * 6')).toBe(true);
    expect(hasSecondsField(' 0 3 * * * ')).toBe(false);
  });
});

describe('one absolute time format', () => {
  it('reads weekday, day, month, year and a 24-hour clock; a log line shows the same clock', () => {
    for (const iso of ['2026-11-30T03:04:05Z', '2026-11-30T15:04:05Z', '2026-06-01T23:59:59Z']) {
      const t = formatTime(iso);
      expect(t).toMatch(/^\w{3} \d{1,2} \w{3} \d{4}, ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/);
      expect(t.endsWith(`, ${formatClock(iso)}`)).toBe(true);
    }
    expect(formatTime(null)).toBe('—');
  });
});
