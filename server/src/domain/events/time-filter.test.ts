import { describe, expect, it } from 'vitest';
import { parseTimeFilter } from './time-filter.js';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('parseTimeFilter', () => {
  it('reads 10 or more digits as unix milliseconds', () => {
    expect(parseTimeFilter('1700000000000', NOW)).toBe(1_700_000_000_000);
    expect(parseTimeFilter('1000000000', NOW)).toBe(1_000_000_000);
    expect(parseTimeFilter(' 1700000000000 ', NOW)).toBe(1_700_000_000_000);
  });

  it.each([
    ['24h', 24 * HOUR],
    ['30m', 30 * MIN],
    ['1.5h', 1.5 * HOUR],
    ['2 days', 48 * HOUR],
    ['7d', 7 * 24 * HOUR],
    ['45s', 45_000],
    ['1H', HOUR],
  ])('reads the duration %j as that long before now', (text, ago) => {
    expect(parseTimeFilter(text, NOW)).toBe(NOW - ago);
  });

  it.each([
    ['2024-01-01', Date.UTC(2024, 0, 1)],
    ['2024-01', Date.UTC(2024, 0, 1)],
    ['2024', Date.UTC(2024, 0, 1)],
    ['2024-01-01T10:00:00Z', Date.UTC(2024, 0, 1, 10)],
    ['2024-01-01T10:00Z', Date.UTC(2024, 0, 1, 10)],
    ['2024-01-01T10:00:00.250Z', Date.UTC(2024, 0, 1, 10, 0, 0, 250)],
    ['2024-01-01T10:00:00+02:00', Date.UTC(2024, 0, 1, 8)],
    ['2024-01-01T10:00:00-0130', Date.UTC(2024, 0, 1, 11, 30)],
  ])('reads the ISO 8601 date %j', (text, expected) => {
    expect(parseTimeFilter(text, NOW)).toBe(expected);
  });

  it('reads a date-time without zone like Date.parse does (local time)', () => {
    expect(parseTimeFilter('2024-01-01T10:00:00', NOW)).toBe(new Date(2024, 0, 1, 10).getTime());
    expect(parseTimeFilter('2024-01-01 10:00', NOW)).toBe(new Date(2024, 0, 1, 10).getTime());
  });

  // Date.parse's fallback parser turns several of these into dates around 2001 ("5" is 2001-05-01).
  it.each([
    '',
    'yesterday',
    '5',
    '0',
    '-5',
    '123',
    '999999999',
    'March 7',
    'foo 1',
    '1 2 3',
    '5 bananas',
    '1h ago',
    '2024-13-01',
    '2024-01-01T25:00Z',
    'Mon, 01 Jan 2024 10:00:00 GMT',
  ])('is undefined for %j', (text) => {
    expect(parseTimeFilter(text, NOW)).toBeUndefined();
  });
});
