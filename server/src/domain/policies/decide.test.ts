import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput } from './decide.js';
import { resolvePolicy, type DefaultPolicy, type PolicyOptions } from './unit-policy.js';
import { parseWindows } from './windows.js';

const H = 3_600_000;
const NOW = Date.parse('2026-11-25T12:00:00Z'); // a Wednesday
const DEFAULTS: DefaultPolicy = { policy: 'auto', minAgeMs: 0, windows: [] };

const input = (options: PolicyOptions = {}, over: Partial<DecisionInput> = {}): DecisionInput => ({
  policy: resolvePolicy({ label: options, defaults: DEFAULTS }),
  digest: 'sha256:new',
  firstSeen: NOW - H,
  created: null,
  now: NOW,
  skipped: [],
  snoozedUntil: null,
  approved: false,
  force: false,
  ...over,
});

describe('the policy decision', () => {
  it('auto applies, off never, notify records only, approve waits for an approval of that digest', () => {
    expect(decide(input()).kind).toBe('apply');
    expect(decide(input({ policy: 'off' }))).toMatchObject({ kind: 'skip', reason: 'policy off (label)' });
    expect(decide(input({ policy: 'notify' }))).toMatchObject({
      kind: 'notify',
      reason: expect.stringMatching(/update available: sha256:new \(age 1h\)/),
    });
    expect(decide(input({ policy: 'approve' })).kind).toBe('approve');
    expect(decide(input({ policy: 'approve' }, { approved: true })).kind).toBe('apply');
  });

  it('the minimum age counts from the later of created and first seen: a back-dated image gains nothing', () => {
    const backDated = input({ minAgeMs: 3 * H }, { created: NOW - 100 * H });
    expect(decide(backDated)).toMatchObject({ kind: 'defer', until: NOW + 2 * H });
    const futureDated = input({ minAgeMs: 3 * H }, { created: NOW });
    expect(decide(futureDated)).toMatchObject({ kind: 'defer', until: NOW + 3 * H });
    expect(decide(futureDated)).toMatchObject({
      reason: expect.stringMatching(/counted from the image's created time /),
    });
    expect(decide(backDated)).toMatchObject({ reason: expect.not.stringMatching(/created time/) });
    expect(decide(input({ minAgeMs: H })).kind).toBe('apply');
  });

  it('a closed window defers until it opens; a cooldown comes before an approval', () => {
    const closed = input({ windows: parseWindows('Sat 02:00-05:00 UTC') });
    expect(decide(closed)).toMatchObject({ kind: 'defer', until: Date.parse('2026-11-28T02:00:00Z') });
    expect(decide(input({ policy: 'approve', minAgeMs: 2 * H })).kind).toBe('defer');
  });

  it('skipped versions and snoozes hold; --force overrides and says so', () => {
    expect(decide(input({}, { skipped: ['sha256:new'] })).kind).toBe('skip');
    expect(decide(input({}, { snoozedUntil: NOW + H }))).toMatchObject({ kind: 'defer', until: NOW + H });
    expect(decide(input({ policy: 'off' }, { force: true }))).toMatchObject({
      kind: 'apply',
      reason: 'forced: policy off (label) overridden',
    });
  });

  it('the most specific source wins per field', () => {
    const p = resolvePolicy({
      override: { policy: 'notify' },
      label: { policy: 'approve', minAgeMs: H },
      config: { minAgeMs: 2 * H, windows: parseWindows('Sat 02:00-05:00 UTC') },
      defaults: DEFAULTS,
    });
    expect(p.policy).toEqual({ value: 'notify', source: 'override' });
    expect(p.minAgeMs).toEqual({ value: H, source: 'label' });
    expect(p.windows.source).toBe('config');
  });
});
