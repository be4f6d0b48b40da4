import { describe, expect, it } from 'vitest';
import { nextOpening, parseWindow, parseWindows, windowOpen } from './windows.js';

const utc = (s: string) => Date.parse(`${s}Z`);

describe('maintenance windows', () => {
  it('needs an explicit time zone and says how to write one', () => {
    expect(() => parseWindow('Sat 02:00-05:00')).toThrow(/time zone is missing.*Europe\/Berlin/);
    expect(() => parseWindow('Sat 02:00-05:00 Mars/Olympus')).toThrow(/not a time zone/);
    expect(() => parseWindow('Funday 02:00-05:00 UTC')).toThrow(/not a day/);
    expect(() => parseWindow('Sat 2-5 UTC')).toThrow(/not a time/);
  });

  it('is open inside, closed outside, in its own zone (2026-11-28 is a Saturday)', () => {
    const w = parseWindows('Sat 02:00-05:00 Europe/Berlin');
    // 02:30 in Berlin (UTC+1 in November) is 01:30 UTC.
    expect(windowOpen(w, utc('2026-11-28T01:30:00'))).toBe(true);
    expect(windowOpen(w, utc('2026-11-28T00:59:00'))).toBe(false);
    expect(windowOpen(w, utc('2026-11-28T04:00:00'))).toBe(false);
    expect(nextOpening(w, utc('2026-11-28T04:00:00'))).toBe(utc('2026-12-05T01:00:00'));
  });

  it('runs past midnight, over several days and windows', () => {
    const w = parseWindows('Mon-Fri 22:00-06:00 UTC; Sat,Sun 10:00-11:00 UTC');
    expect(windowOpen(w, utc('2026-11-24T23:00:00'))).toBe(true); // Tue night
    expect(windowOpen(w, utc('2026-11-25T05:59:00'))).toBe(true); // Wed early
    expect(windowOpen(w, utc('2026-11-25T12:00:00'))).toBe(false);
    expect(nextOpening(w, utc('2026-11-25T12:00:00'))).toBe(utc('2026-11-25T22:00:00'));
    expect(windowOpen(w, utc('2026-11-29T10:30:00'))).toBe(true); // Sunday
    expect(windowOpen(w, utc('2026-11-28T05:00:00'))).toBe(true); // Sat early: Friday's night window
  });

  it('no window is always open', () => {
    expect(windowOpen([], 0)).toBe(true);
    expect(nextOpening([], 5)).toBe(5);
  });
});
