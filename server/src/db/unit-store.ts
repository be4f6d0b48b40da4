/** The discovered units (the allow-list), with first and last sighting. */
import type { Database } from 'better-sqlite3';
import type { StoredUnit, UnitStore } from '../domain/ports/index.js';
import type { KnownUnit, UnitSource } from '../domain/units/known-unit.js';

interface UnitDbRow {
  unit: string;
  image: string | null;
  image_key: string | null;
  pinned: number;
  sources: string;
  policy: string | null;
  container_id: string | null;
  image_id: string | null;
  running_digest: string | null;
  container_state: string | null;
  problems: string;
  managed: number;
  unmanaged_reason: string | null;
  podup_labels: string;
  present: number;
  first_seen: number;
  last_seen: number;
}

const fromDb = (r: UnitDbRow): StoredUnit => ({
  unit: r.unit,
  image: r.image,
  imageKey: r.image_key,
  pinned: r.pinned === 1,
  sources: JSON.parse(r.sources) as UnitSource[],
  policy: r.policy,
  containerId: r.container_id,
  imageId: r.image_id,
  runningDigest: r.running_digest,
  containerState: r.container_state,
  problems: JSON.parse(r.problems) as string[],
  managed: r.managed === 1,
  unmanagedReason: r.unmanaged_reason,
  podupLabels: JSON.parse(r.podup_labels) as Record<string, string>,
  present: r.present === 1,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

export class SqliteUnitStore implements UnitStore {
  constructor(private readonly db: Database) {}

  /** Records one discovery: the units seen now are present, the others are kept but marked absent. */
  replace(units: readonly KnownUnit[], now: number): void {
    this.write(units, now);
  }

  private write(units: readonly KnownUnit[], now: number): void {
    this.db.transaction(() => {
      const upsert = this.db.prepare(
        `INSERT INTO units (unit, image, image_key, pinned, sources, policy, container_id, image_id, running_digest,
           container_state, problems, managed, unmanaged_reason, podup_labels, present, first_seen, last_seen)
         VALUES (@unit, @image, @imageKey, @pinned, @sources, @policy, @containerId, @imageId, @runningDigest,
           @containerState, @problems, @managed, @unmanagedReason, @podupLabels, 1, @now, @now)
         ON CONFLICT (unit) DO UPDATE SET image = excluded.image, image_key = excluded.image_key, pinned = excluded.pinned,
           sources = excluded.sources, policy = excluded.policy, container_id = excluded.container_id,
           image_id = excluded.image_id, running_digest = excluded.running_digest,
           container_state = excluded.container_state, problems = excluded.problems, managed = excluded.managed,
           unmanaged_reason = excluded.unmanaged_reason, podup_labels = excluded.podup_labels, present = 1, last_seen = excluded.last_seen`,
      );
      this.db.prepare('UPDATE units SET present = 0').run();
      for (const u of units) {
        upsert.run({
          ...u,
          pinned: u.pinned ? 1 : 0,
          managed: u.managed ? 1 : 0,
          sources: JSON.stringify(u.sources),
          problems: JSON.stringify(u.problems),
          podupLabels: JSON.stringify(u.podupLabels),
          now,
        });
      }
    })();
  }

  present(): StoredUnit[] {
    return (this.db.prepare('SELECT * FROM units WHERE present = 1 ORDER BY unit').all() as UnitDbRow[]).map(
      fromDb,
    );
  }

  all(): StoredUnit[] {
    return (this.db.prepare('SELECT * FROM units ORDER BY unit').all() as UnitDbRow[]).map(fromDb);
  }
}
