/** Runtime policy overrides (with snoozes) and skipped versions, per unit. */
import type { Database } from 'better-sqlite3';
import type { PolicyOverride, PolicyPatch, PolicyStore, SkippedVersion } from '../domain/ports/index.js';
import type { UpdatePolicy } from '../domain/policies/unit-policy.js';

interface OverrideRow {
  unit: string;
  policy: string | null;
  min_age_ms: number | null;
  windows: string | null;
  snoozed_until: number | null;
  updated_by: string;
  updated_at: number;
}

const fromDb = (r: OverrideRow): PolicyOverride => ({
  unit: r.unit,
  policy: r.policy as UpdatePolicy | null,
  minAgeMs: r.min_age_ms,
  windows: r.windows,
  snoozedUntil: r.snoozed_until,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

export class SqlitePolicyStore implements PolicyStore {
  constructor(private readonly db: Database) {}

  get(unit: string): PolicyOverride | undefined {
    const r = this.db.prepare('SELECT * FROM unit_policies WHERE unit = ?').get(unit) as
      OverrideRow | undefined;
    return r && fromDb(r);
  }

  all(): PolicyOverride[] {
    return (this.db.prepare('SELECT * FROM unit_policies ORDER BY unit').all() as OverrideRow[]).map(fromDb);
  }

  set(unit: string, patch: PolicyPatch, by: string, now: number): PolicyOverride | undefined {
    const current = this.get(unit);
    const next = {
      policy: patch.policy !== undefined ? patch.policy : (current?.policy ?? null),
      minAgeMs: patch.minAgeMs !== undefined ? patch.minAgeMs : (current?.minAgeMs ?? null),
      windows: patch.windows !== undefined ? patch.windows : (current?.windows ?? null),
      snoozedUntil: patch.snoozedUntil !== undefined ? patch.snoozedUntil : (current?.snoozedUntil ?? null),
    };
    if (Object.values(next).every((v) => v === null)) {
      this.db.prepare('DELETE FROM unit_policies WHERE unit = ?').run(unit);
      return undefined;
    }
    this.db
      .prepare(
        `INSERT INTO unit_policies (unit, policy, min_age_ms, windows, snoozed_until, updated_by, updated_at)
         VALUES (@unit, @policy, @minAgeMs, @windows, @snoozedUntil, @by, @now)
         ON CONFLICT (unit) DO UPDATE SET policy = excluded.policy, min_age_ms = excluded.min_age_ms,
           windows = excluded.windows, snoozed_until = excluded.snoozed_until, updated_by = excluded.updated_by,
           updated_at = excluded.updated_at`,
      )
      .run({ unit, ...next, by, now });
    return this.get(unit);
  }

  skip(unit: string, digest: string, by: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO skipped_versions (unit, digest, skipped_by, skipped_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (unit, digest) DO NOTHING`,
      )
      .run(unit, digest, by, now);
  }

  skipped(unit: string): SkippedVersion[] {
    return (
      this.db
        .prepare('SELECT * FROM skipped_versions WHERE unit = ? ORDER BY skipped_at')
        .all(unit) as Array<{ unit: string; digest: string; skipped_by: string; skipped_at: number }>
    ).map((r) => ({ unit: r.unit, digest: r.digest, skippedBy: r.skipped_by, skippedAt: r.skipped_at }));
  }
}
