import type { Database, Statement } from 'better-sqlite3';
import type { DeliveryRecord, DeliveryStore } from '../domain/ports/index.js';

interface DeliveryDbRow {
  delivery: string;
  received_at: number;
  event: string;
  action: string | null;
  image: string | null;
  outcome: string;
  reason: string | null;
  task_id: string | null;
}

/** X-GitHub-Delivery ids seen, kept for dedupe until pruned. */
export class SqliteDeliveryStore implements DeliveryStore {
  private readonly findStmt: Statement;
  private readonly insertStmt: Statement;

  constructor(private readonly db: Database) {
    this.findStmt = db.prepare('SELECT * FROM deliveries WHERE delivery = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO deliveries (delivery, received_at, event, action, image, outcome, reason, task_id)
       VALUES (@delivery, @receivedAt, @event, @action, @image, @outcome, @reason, @taskId)`,
    );
  }

  find(delivery: string): DeliveryRecord | undefined {
    const r = this.findStmt.get(delivery) as DeliveryDbRow | undefined;
    return (
      r && {
        delivery: r.delivery,
        receivedAt: r.received_at,
        event: r.event,
        action: r.action,
        image: r.image,
        outcome: r.outcome,
        reason: r.reason,
        taskId: r.task_id,
      }
    );
  }

  save(record: DeliveryRecord): void {
    this.insertStmt.run(record);
  }
}
