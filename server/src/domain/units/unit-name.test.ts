import { describe, expect, it } from 'vitest';
import { toServiceUnit } from './unit-name.js';

describe('toServiceUnit', () => {
  it.each([
    ['app', 'app.service'],
    ['app.service', 'app.service'],
    ['app@1.service', 'app@1.service'],
    ['app@1', 'app@1.service'],
    ['a-b_c.d.service', 'a-b_c.d.service'],
    ['container-web:8080', 'container-web:8080.service'],
    ['web\\x2dapp', 'web\\x2dapp.service'],
    ['Web', 'Web.service'],
  ])('accepts %j as %j', (name, unit) => {
    expect(toServiceUnit(name)).toBe(unit);
  });

  it('gives another unit type a .service suffix rather than passing it through', () => {
    // "x.socket" is not a socket unit here: it names the service x.socket.service
    expect(toServiceUnit('x.socket')).toBe('x.socket.service');
    expect(toServiceUnit('x.timer')).toBe('x.timer.service');
  });

  it.each([
    '',
    'app@',
    'app@.service',
    '.service',
    '../x',
    'a/b',
    'a/b.service',
    '/etc/passwd',
    '.hidden',
    '@inst',
    '@x.service',
    'a b',
    'a\nb',
    'ü',
    'a@b@c',
    'app;rm',
    '$(id)',
  ])('rejects %j', (name) => {
    expect(toServiceUnit(name)).toBeUndefined();
  });

  it('whatever it returns is a valid service unit name', () => {
    const inputs = [
      'app',
      'x.socket',
      'a@b',
      '..',
      'a..b',
      'a.',
      'a-',
      '-a',
      '_',
      '...service',
      'a@.service',
    ];
    for (const input of inputs) {
      const unit = toServiceUnit(input);
      if (unit === undefined) continue;
      expect(unit).toMatch(/^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?\.service$/);
      expect(unit.startsWith('.') || unit.startsWith('@')).toBe(false);
      expect(unit.length).toBeLessThanOrEqual(255);
    }
  });

  it('allows 255 characters in total and no more', () => {
    const longest = `${'a'.repeat(255 - '.service'.length)}.service`;
    expect(longest).toHaveLength(255);
    expect(toServiceUnit(longest)).toBe(longest);
    expect(toServiceUnit(longest.slice(0, -'.service'.length))).toBe(longest);
    expect(toServiceUnit(`a${longest}`)).toBeUndefined();
    // the suffix counts: 248 characters + ".service" is 256
    expect(toServiceUnit('a'.repeat(248))).toBeUndefined();
  });
});
