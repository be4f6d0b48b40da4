/** Channels added from the API. Their URLs arrive sealed (ChannelSealer): this table never holds one in plain text. */
import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { NotifyEvent } from '../domain/notifications/events.js';
import type { ChannelKind } from '../domain/notifications/service-url.js';
import type { ChannelStore, StoredChannel } from '../domain/ports/index.js';

interface ChannelDbRow {
  id: string;
  name: string;
  kind: string;
  events: string;
  url_sealed: string;
  url_hint: string;
  created_at: number;
  updated_at: number;
}

const fromDb = (r: ChannelDbRow): StoredChannel => ({
  id: r.id,
  name: r.name,
  kind: r.kind as ChannelKind,
  events: JSON.parse(r.events) as NotifyEvent[],
  urlSealed: r.url_sealed,
  urlHint: r.url_hint,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLUMN: Record<keyof Omit<StoredChannel, 'id' | 'createdAt'>, string> = {
  name: 'name',
  kind: 'kind',
  events: 'events',
  urlSealed: 'url_sealed',
  urlHint: 'url_hint',
  updatedAt: 'updated_at',
};

export class SqliteChannelStore implements ChannelStore {
  constructor(private readonly db: Database) {}

  list(): StoredChannel[] {
    return (
      this.db.prepare('SELECT * FROM notify_channels ORDER BY created_at, id').all() as ChannelDbRow[]
    ).map(fromDb);
  }

  get(id: string): StoredChannel | undefined {
    const row = this.db.prepare('SELECT * FROM notify_channels WHERE id = ?').get(id) as
      ChannelDbRow | undefined;
    return row && fromDb(row);
  }

  create(channel: Omit<StoredChannel, 'id'>): StoredChannel {
    const c = { id: `ch_${randomBytes(6).toString('hex')}`, ...channel };
    this.db
      .prepare(
        `INSERT INTO notify_channels (id, name, kind, events, url_sealed, url_hint, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.name, c.kind, JSON.stringify(c.events), c.urlSealed, c.urlHint, c.createdAt, c.updatedAt);
    return c;
  }

  update(id: string, patch: Partial<Omit<StoredChannel, 'id' | 'createdAt'>>): boolean {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as Array<
      [keyof typeof COLUMN, unknown]
    >;
    if (entries.length === 0) return this.get(id) !== undefined;
    const sets = entries.map(([k]) => `${COLUMN[k]} = ?`).join(', ');
    const values = entries.map(([k, v]) => (k === 'events' ? JSON.stringify(v) : v));
    return (
      this.db.prepare(`UPDATE notify_channels SET ${sets} WHERE id = ?`).run(...values, id).changes === 1
    );
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM notify_channels WHERE id = ?').run(id).changes === 1;
  }
}
