import { describe, expect, it } from 'vitest';
import { parseWindow } from './health-gate.js';

describe('a unit health window (label podup.health-window)', () => {
  it('reads durations the way operators write them', () => {
    expect(parseWindow('30s')).toBe(30_000);
    expect(parseWindow('500ms')).toBe(500);
    expect(parseWindow('1m30s')).toBe(90_000);
    expect(parseWindow(' 2m ')).toBe(120_000);
    expect(parseWindow('45')).toBe(45_000);
    expect(parseWindow('1.5s')).toBe(1500);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', 'soon', '10 parsecs', '0s', '-5s', undefined])
      expect(parseWindow(bad), String(bad)).toBeUndefined();
  });
});
