/** When podup first saw each image digest (the minimum image age counts from it), and the last check per unit. */
import type { Database } from 'better-sqlite3';
import type {
  CheckStatus,
  DigestSighting,
  DigestStore,
  UnitCheck,
  UnitCheckStore,
} from '../domain/ports/index.js';

interface SightingRow {
  image: string;
  digest: string;
  first_seen: number;
  created: number | null;
}

const sighting = (r: SightingRow): DigestSighting => ({
  image: r.image,
  digest: r.digest,
  firstSeen: r.first_seen,
  created: r.created,
});

export class SqliteDigestStore implements DigestStore {
  constructor(private readonly db: Database) {}

  see(image: string, digest: string, now: number, created: number | null = null): DigestSighting {
    this.db
      .prepare(
        `INSERT INTO digests (image, digest, first_seen, created) VALUES (?, ?, ?, ?)
         ON CONFLICT (image, digest) DO UPDATE SET created = coalesce(digests.created, excluded.created)`,
      )
      .run(image, digest, now, created);
    return this.find(image, digest) ?? { image, digest, firstSeen: now, created };
  }

  find(image: string, digest: string): DigestSighting | undefined {
    const r = this.db.prepare('SELECT * FROM digests WHERE image = ? AND digest = ?').get(image, digest) as
      SightingRow | undefined;
    return r && sighting(r);
  }
}

interface CheckRow {
  unit: string;
  image: string | null;
  status: string;
  digest: string | null;
  first_seen: number | null;
  verdict: string | null;
  reason: string | null;
  checked_at: number;
}

export class SqliteUnitCheckStore implements UnitCheckStore {
  constructor(private readonly db: Database) {}

  record(checks: readonly UnitCheck[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO unit_checks (unit, image, status, digest, first_seen, verdict, reason, checked_at)
       VALUES (@unit, @image, @status, @digest, @firstSeen, @verdict, @reason, @checkedAt)
       ON CONFLICT (unit) DO UPDATE SET image = excluded.image, status = excluded.status, digest = excluded.digest,
         first_seen = excluded.first_seen, verdict = excluded.verdict, reason = excluded.reason,
         checked_at = excluded.checked_at`,
    );
    for (const c of checks) upsert.run(c);
  }

  all(): UnitCheck[] {
    return (this.db.prepare('SELECT * FROM unit_checks ORDER BY unit').all() as CheckRow[]).map((r) => ({
      unit: r.unit,
      image: r.image,
      status: r.status as CheckStatus,
      digest: r.digest,
      firstSeen: r.first_seen,
      verdict: r.verdict,
      reason: r.reason,
      checkedAt: r.checked_at,
    }));
  }
}
