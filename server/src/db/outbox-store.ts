/**
 * The notification outbox: a message per state change (its dedup key unique: a change recorded twice notifies
 * once) and a delivery per channel. Deliveries are claimed with a lease (UPDATE ... RETURNING, read with all():
 * see task-store.ts) so that two podup processes never send one at the same time, and a sender that died
 * mid-way leaves it to be claimed again when the lease ends.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { MessageEvent } from '../domain/notifications/events.js';
import type { NotificationMessage } from '../domain/notifications/message.js';
import type {
  ClaimedDelivery,
  DeliveryStatus,
  OutboxCount,
  OutboxDelivery,
  OutboxStore,
} from '../domain/ports/index.js';

interface DeliveryDbRow {
  notification_id: number;
  channel_id: string;
  event: string;
  dedup_key: string;
  status: string;
  attempts: number;
  next_at: number;
  last_error: string | null;
  last_status: number | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
  message?: string;
}

const fromDb = (r: DeliveryDbRow): OutboxDelivery => ({
  notificationId: r.notification_id,
  channelId: r.channel_id,
  event: r.event as MessageEvent,
  dedupKey: r.dedup_key,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  nextAt: r.next_at,
  lastError: r.last_error,
  lastStatus: r.last_status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deliveredAt: r.delivered_at,
});

const DELIVERY = `d.notification_id, d.channel_id, n.event, n.dedup_key, d.status, d.attempts, d.next_at,
  d.last_error, d.last_status, n.created_at, d.updated_at, d.delivered_at`;

export class SqliteOutboxStore implements OutboxStore {
  private readonly insertMessage: Statement;
  private readonly insertDelivery: Statement;

  constructor(private readonly db: Database) {
    this.insertMessage = db.prepare(
      `INSERT INTO notifications (dedup_key, event, message, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
    );
    this.insertDelivery = db.prepare(
      `INSERT OR IGNORE INTO notify_deliveries (notification_id, channel_id, status, next_at, updated_at)
       VALUES (?, ?, 'pending', ?, ?)`,
    );
  }

  add(message: NotificationMessage, channelIds: readonly string[], now: number): boolean {
    const rows = this.insertMessage.all(
      message.dedupKey,
      message.event,
      JSON.stringify(message),
      now,
    ) as Array<{
      id: number;
    }>;
    const id = rows[0]?.id;
    if (id === undefined) return false;
    for (const channel of new Set(channelIds)) this.insertDelivery.run(id, channel, now, now);
    return true;
  }

  claimDue(now: number, owner: string, leaseUntil: number, limit: number): ClaimedDelivery[] {
    const claimed = this.db
      .prepare(
        `UPDATE notify_deliveries SET lease_owner = @owner, lease_until = @leaseUntil
         WHERE (notification_id, channel_id) IN (
           SELECT notification_id, channel_id FROM notify_deliveries
           WHERE status = 'pending' AND next_at <= @now AND (lease_until IS NULL OR lease_until < @now)
           ORDER BY next_at, notification_id LIMIT @limit)
         RETURNING notification_id, channel_id`,
      )
      .all({ now, owner, leaseUntil, limit }) as Array<{ notification_id: number; channel_id: string }>;
    if (claimed.length === 0) return [];
    const read = this.db.prepare(
      `SELECT ${DELIVERY}, n.message FROM notify_deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE d.notification_id = ? AND d.channel_id = ?`,
    );
    return claimed.flatMap((c) => {
      const row = read.get(c.notification_id, c.channel_id) as DeliveryDbRow | undefined;
      return row ? [{ ...fromDb(row), message: JSON.parse(row.message ?? '{}') as NotificationMessage }] : [];
    });
  }

  delivered(notificationId: number, channelId: string, now: number, status: number): void {
    this.db
      .prepare(
        `UPDATE notify_deliveries SET status = 'delivered', attempts = attempts + 1, last_status = ?,
           last_error = NULL, delivered_at = ?, updated_at = ?, lease_owner = NULL, lease_until = NULL
         WHERE notification_id = ? AND channel_id = ?`,
      )
      .run(status, now, now, notificationId, channelId);
  }

  failed(
    notificationId: number,
    channelId: string,
    now: number,
    error: string,
    status: number | null,
    nextAt: number | null,
  ): void {
    this.db
      .prepare(
        `UPDATE notify_deliveries SET status = ?, attempts = attempts + 1, last_error = ?, last_status = ?,
           next_at = coalesce(?, next_at), updated_at = ?, lease_owner = NULL, lease_until = NULL
         WHERE notification_id = ? AND channel_id = ?`,
      )
      .run(nextAt === null ? 'failed' : 'pending', error, status, nextAt, now, notificationId, channelId);
  }

  dropChannel(channelId: string, now: number): number {
    return this.db
      .prepare(
        `UPDATE notify_deliveries SET status = 'dropped', updated_at = ?, lease_owner = NULL, lease_until = NULL
         WHERE channel_id = ? AND status = 'pending'`,
      )
      .run(now, channelId).changes;
  }

  nextDue(): number | undefined {
    const row = this.db
      .prepare(`SELECT min(next_at) AS at FROM notify_deliveries WHERE status = 'pending'`)
      .get() as { at: number | null };
    return row.at ?? undefined;
  }

  recent(channelId: string, limit: number): OutboxDelivery[] {
    return (
      this.db
        .prepare(
          `SELECT ${DELIVERY} FROM notify_deliveries d JOIN notifications n ON n.id = d.notification_id
           WHERE d.channel_id = ? ORDER BY d.notification_id DESC LIMIT ?`,
        )
        .all(channelId, limit) as DeliveryDbRow[]
    ).map(fromDb);
  }

  counts(): OutboxCount[] {
    return (
      this.db
        .prepare(
          'SELECT channel_id, status, count(*) AS n FROM notify_deliveries GROUP BY channel_id, status',
        )
        .all() as Array<{ channel_id: string; status: string; n: number }>
    ).map((r) => ({ channelId: r.channel_id, status: r.status as DeliveryStatus, n: r.n }));
  }

  hasPending(): boolean {
    return (
      this.db.prepare(`SELECT 1 FROM notify_deliveries WHERE status = 'pending' LIMIT 1`).get() !== undefined
    );
  }
}
