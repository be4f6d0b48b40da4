import { describe, expect, it } from 'vitest';
import { fakePorts, FakeHost } from '../../adapters/fakes/index.js';
import { discoverUnits } from '../units/discovery.js';
import { decide } from './decide.js';
import { PolicyBook } from './policy-book.js';

const H = 3_600_000;
const NOW = Date.parse('2026-11-25T12:00:00Z');

const book = new PolicyBook({
  configured: new Map(),
  defaults: { policy: 'auto', minAgeMs: 0, windows: [] },
});

/** The units discovery finds in these Quadlet files (none of them running). */
async function quadletUnits(files: Record<string, string>) {
  const host = new FakeHost();
  for (const [name, text] of Object.entries(files)) host.addQuadlet(name, text);
  const ports = fakePorts(host);
  const units = await discoverUnits({
    runtime: ports.runtime,
    unitManager: ports.unitManager,
    quadletFiles: () => ports.quadlets.read(),
    configured: new Map(),
  });
  return new Map(units.map((u) => [u.unit, u]));
}

const verdict = (policy: ReturnType<PolicyBook['resolve']>['policy']) =>
  decide({
    policy,
    digest: 'sha256:new',
    firstSeen: NOW,
    created: null,
    now: NOW,
    skipped: [],
    snoozedUntil: null,
    approved: false,
    force: false,
  });

describe('policy from Quadlet Label= lines', () => {
  it('Label=podup.policy / podup.min-age / podup.window set the policy, from the label', async () => {
    const units = await quadletUnits({
      'web.container': [
        '[Container]',
        'Image=ghcr.io/acme/web:stable',
        'AutoUpdate=registry',
        'Label=podup.policy=approve',
        'Label="podup.min-age=3d"',
        'Label="podup.window=Sat 02:00-05:00 UTC"',
        '',
      ].join('\n'),
    });
    const web = units.get('web.service');
    expect(web?.podupLabels).toEqual({
      'podup.policy': 'approve',
      'podup.min-age': '3d',
      'podup.window': 'Sat 02:00-05:00 UTC',
    });
    const { policy, problems } = book.resolve(web ?? { unit: '', podupLabels: {} }, undefined);
    expect(problems).toEqual([]);
    expect(policy.policy).toEqual({ value: 'approve', source: 'label' });
    expect(policy.minAgeMs).toEqual({ value: 3 * 24 * H, source: 'label' });
    expect(policy.windows.source).toBe('label');
    expect(policy.windows.value.map((w) => w.text)).toEqual(['Sat 02:00-05:00 UTC']);
  });

  it('a bad label holds the unit off, says why, and keeps the labels that parsed', async () => {
    const units = await quadletUnits({
      'web.container':
        '[Container]\nImage=ghcr.io/acme/web:stable\nAutoUpdate=registry\nLabel=podup.policy=sometimes podup.min-age=2h\n',
    });
    const web = units.get('web.service');
    expect(web?.podupLabels).toEqual({ 'podup.policy': 'sometimes', 'podup.min-age': '2h' });
    const { policy, problems } = book.resolve(web ?? { unit: '', podupLabels: {} }, undefined);
    expect(policy.policy).toEqual({ value: 'off', source: 'label' });
    expect(policy.minAgeMs).toEqual({ value: 2 * H, source: 'label' });
    expect(problems).toEqual([
      expect.stringMatching(
        /^podup label: .*sometimes.*; podup holds this unit \(policy off\) until it is fixed$/,
      ),
    ]);
    expect(verdict(policy)).toEqual({ kind: 'skip', reason: 'policy off (label)' });
    // A runtime override is the operator's fix, and beats the bad label.
    const fixed = book.resolve(web ?? { unit: '', podupLabels: {} }, {
      unit: 'web.service',
      policy: 'auto',
      minAgeMs: 0,
      windows: null,
      snoozedUntil: null,
      updatedAt: NOW,
      updatedBy: 'admin',
    });
    expect(verdict(fixed.policy)).toEqual({ kind: 'apply', reason: null });
  });
});
