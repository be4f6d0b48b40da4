import { describe, expect, it } from 'vitest';
import type { UnitDependencies } from '../ports/index.js';
import { rolloutOrder } from './rollout-order.js';

const none: UnitDependencies = {
  after: [],
  before: [],
  requires: [],
  bindsTo: [],
  partOf: [],
  wants: [],
  requiredBy: [],
  boundBy: [],
  consistsOf: [],
};
const deps = (d: Partial<UnitDependencies>): UnitDependencies => ({ ...none, ...d });

describe('rolloutOrder', () => {
  it('a three-unit chain by After=, whatever the names say', () => {
    const graph = new Map([
      ['a.service', deps({ after: ['m.service'] })],
      ['m.service', deps({ after: ['z.service'] })],
      ['z.service', deps({})],
    ]);
    const r = rolloutOrder(['a.service', 'm.service', 'z.service'], graph);
    expect(r.order).toEqual(['z.service', 'm.service', 'a.service']);
    expect([...(r.after.get('a.service') ?? [])]).toEqual(['m.service']);
    expect(r.notes).toEqual([]);
  });

  it('reads Before= and the reverse lists too, and ignores units outside the task', () => {
    const graph = new Map([
      ['web.service', deps({ after: ['network.target'] })],
      ['db.service', deps({ before: ['web.service'], requiredBy: ['other.service'] })],
    ]);
    expect(rolloutOrder(['web.service', 'db.service'], graph).order).toEqual(['db.service', 'web.service']);
  });

  it('without After=/Before=, the provider of Requires=/BindsTo=/PartOf=/Wants= goes first', () => {
    for (const k of ['requires', 'bindsTo', 'partOf', 'wants'] as const) {
      const graph = new Map([
        ['a.service', deps({ [k]: ['b.service'] })],
        ['b.service', deps({})],
      ]);
      expect(rolloutOrder(['a.service', 'b.service'], graph).order, k).toEqual(['b.service', 'a.service']);
    }
  });

  it('After= wins over a requirement the other way', () => {
    const graph = new Map([
      ['a.service', deps({ requires: ['b.service'] })],
      ['b.service', deps({ after: ['a.service'] })],
    ]);
    const r = rolloutOrder(['a.service', 'b.service'], graph);
    expect(r.order).toEqual(['a.service', 'b.service']);
    expect(r.notes).toEqual([]);
  });

  it('units nothing orders against each other are ready together (no edge between them)', () => {
    const graph = new Map([
      ['db.service', deps({})],
      ['w1.service', deps({ after: ['db.service'] })],
      ['w2.service', deps({ after: ['db.service'] })],
    ]);
    const r = rolloutOrder(['w2.service', 'w1.service', 'db.service'], graph);
    expect(r.order).toEqual(['db.service', 'w1.service', 'w2.service']);
    expect(r.after.get('w1.service')?.has('w2.service')).toBe(false);
    expect(r.after.get('w2.service')?.has('w1.service')).toBe(false);
  });

  it('a cycle: a note naming it, and a stable order by name, never a hang', () => {
    const graph = new Map([
      ['c.service', deps({ after: ['b.service'] })],
      ['b.service', deps({ after: ['a.service'] })],
      ['a.service', deps({ after: ['c.service'] })],
      ['x.service', deps({ after: ['a.service'] })],
    ]);
    const r = rolloutOrder(['x.service', 'c.service', 'b.service', 'a.service'], graph);
    expect(r.order).toEqual(['a.service', 'b.service', 'x.service', 'c.service']);
    expect(r.notes).toEqual([
      'ordering cycle among a.service, b.service, c.service: a.service goes first (by name)',
    ]);
    expect(rolloutOrder(['x.service', 'c.service', 'b.service', 'a.service'], graph)).toEqual(r);
  });

  it('an unreadable unit: a note, and name order where nothing else decides', () => {
    const graph = new Map<string, UnitDependencies | Error>([
      ['b.service', new Error('Access denied')],
      ['a.service', deps({})],
      ['c.service', deps({ after: ['b.service'] })],
    ]);
    const r = rolloutOrder(['c.service', 'b.service', 'a.service'], graph);
    expect(r.order).toEqual(['a.service', 'b.service', 'c.service']);
    expect(r.notes).toEqual([
      'cannot read the dependencies of b.service (Access denied): it is ordered by name',
    ]);
  });
});
