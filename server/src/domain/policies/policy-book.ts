/**
 * Every source of a unit's policy in one place: the configuration (PODUP_UNITS options and the defaults) held
 * here, the unit's labels from discovery, and the runtime override read from the store.
 * Used by: the policy gate of the task runner, podup check, the units view
 */
import type { PolicyOverride } from '../ports/index.js';
import type { KnownUnit } from '../units/known-unit.js';
import {
  labelLayer,
  resolvePolicy,
  type DefaultPolicy,
  type PolicyOptions,
  type UnitPolicy,
} from './unit-policy.js';
import { parseWindows } from './windows.js';

export interface PolicySettings {
  /** PODUP_UNITS options per unit. */
  configured: ReadonlyMap<string, PolicyOptions>;
  defaults: DefaultPolicy;
}

function overrideLayer(o: PolicyOverride | undefined): PolicyOptions | undefined {
  if (!o) return undefined;
  let windows;
  try {
    windows = o.windows === null ? undefined : parseWindows(o.windows);
  } catch {
    // Written through the same parser; a row that no longer parses (a zone removed from tzdata) holds the unit.
    return { policy: 'off' };
  }
  return { policy: o.policy ?? undefined, minAgeMs: o.minAgeMs ?? undefined, windows };
}

export class PolicyBook {
  constructor(private readonly settings: PolicySettings) {}

  resolve(
    unit: Pick<KnownUnit, 'unit' | 'podupLabels'>,
    override: PolicyOverride | undefined,
  ): { policy: UnitPolicy; problems: string[] } {
    const label = labelLayer(unit.podupLabels);
    return {
      policy: resolvePolicy({
        override: overrideLayer(override),
        label: label.options,
        config: this.settings.configured.get(unit.unit),
        defaults: this.settings.defaults,
      }),
      problems: label.problems,
    };
  }
}
