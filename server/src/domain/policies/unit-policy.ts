/**
 * A unit's update policy and where each part of it came from. Sources, most specific first: a runtime override
 * (API, panel, CLI; persisted), the unit's own labels (`podup.policy`, `podup.min-age`, `podup.window` on the
 * container or as Quadlet `Label=`), its PODUP_UNITS options, the global defaults. Each field is resolved on
 * its own: a label that sets only the policy keeps the default window.
 */
import { parseWindows, type MaintenanceWindow } from './windows.js';

export const UPDATE_POLICIES = ['auto', 'notify', 'approve', 'off'] as const;
export type UpdatePolicy = (typeof UPDATE_POLICIES)[number];

export const POLICY_SOURCES = ['override', 'label', 'config', 'default'] as const;
export type PolicySource = (typeof POLICY_SOURCES)[number];

export const POLICY_LABELS = {
  policy: 'podup.policy',
  minAge: 'podup.min-age',
  window: 'podup.window',
} as const;

/** What one source says; a field it leaves out falls through to the next source. */
export interface PolicyOptions {
  policy?: UpdatePolicy | undefined;
  minAgeMs?: number | undefined;
  windows?: MaintenanceWindow[] | undefined;
}

export interface Sourced<T> {
  value: T;
  source: PolicySource;
}

export interface UnitPolicy {
  policy: Sourced<UpdatePolicy>;
  minAgeMs: Sourced<number>;
  windows: Sourced<MaintenanceWindow[]>;
}

export type DefaultPolicy = Required<{ [K in keyof PolicyOptions]: Exclude<PolicyOptions[K], undefined> }>;

export const isUpdatePolicy = (v: string): v is UpdatePolicy =>
  (UPDATE_POLICIES as readonly string[]).includes(v);

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "0", "90s", "30m", "12h", "3d", "2w". */
export function parseAge(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === '0' || t === 'off' || t === 'none') return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/.exec(t);
  if (!m) throw new Error(`"${text}" is not an age such as 12h, 3d or 0`);
  return Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000));
}

export function parsePolicy(text: string): UpdatePolicy {
  const p = text.trim().toLowerCase();
  if (!isUpdatePolicy(p)) throw new Error(`"${text}" is not a policy (auto, notify, approve or off)`);
  return p;
}

export interface RawPolicyOptions {
  policy?: string | undefined;
  minAge?: string | undefined;
  window?: string | undefined;
}

/** Parses what a label set or a PODUP_UNITS entry says; every bad value is reported. */
export function parsePolicyOptions(raw: RawPolicyOptions): { options: PolicyOptions; problems: string[] } {
  const options: PolicyOptions = {};
  const problems: string[] = [];
  const attempt = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      problems.push((e as Error).message);
    }
  };
  if (raw.policy !== undefined) attempt(() => (options.policy = parsePolicy(raw.policy ?? '')));
  if (raw.minAge !== undefined) attempt(() => (options.minAgeMs = parseAge(raw.minAge ?? '')));
  if (raw.window !== undefined) attempt(() => (options.windows = parseWindows(raw.window ?? '')));
  return { options, problems };
}

/** The podup.* labels of a container or Quadlet file, as raw options. */
export function labelOptions(labels: Readonly<Record<string, string>>): RawPolicyOptions {
  return {
    policy: labels[POLICY_LABELS.policy],
    minAge: labels[POLICY_LABELS.minAge],
    window: labels[POLICY_LABELS.window],
  };
}

export interface PolicyLayers {
  override?: PolicyOptions | undefined;
  label?: PolicyOptions | undefined;
  config?: PolicyOptions | undefined;
  defaults: DefaultPolicy;
}

export function resolvePolicy(layers: PolicyLayers): UnitPolicy {
  const pick = <K extends keyof PolicyOptions>(key: K): Sourced<DefaultPolicy[K]> => {
    for (const source of ['override', 'label', 'config'] as const) {
      const value = layers[source]?.[key];
      if (value !== undefined) return { value: value as DefaultPolicy[K], source };
    }
    return { value: layers.defaults[key], source: 'default' };
  };
  return { policy: pick('policy'), minAgeMs: pick('minAgeMs'), windows: pick('windows') };
}

/** Bad podup.* labels: the unit is held (off) rather than updated on a guess of what was meant. */
export function labelLayer(labels: Readonly<Record<string, string>>): {
  options: PolicyOptions | undefined;
  problems: string[];
} {
  const raw = labelOptions(labels);
  if (raw.policy === undefined && raw.minAge === undefined && raw.window === undefined)
    return { options: undefined, problems: [] };
  const { options, problems } = parsePolicyOptions(raw);
  if (problems.length === 0) return { options, problems };
  return {
    options: { ...options, policy: 'off' },
    problems: problems.map((p) => `podup label: ${p}; podup holds this unit (policy off) until it is fixed`),
  };
}

export function formatAge(ms: number): string {
  if (ms <= 0) return '0';
  for (const [unit, size] of [
    ['w', UNIT_MS.w],
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
  ] as const) {
    if (size !== undefined && ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}
