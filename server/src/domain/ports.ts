/**
 * What the domain needs from the outside world. Implementations live in db/ and adapters/; tests use
 * in-memory ones. The domain imports nothing else with I/O.
 */
import type { EventQuery, EventRow, StoredEvent } from './events/event.js';
import type { TaskRecord } from './tasks/task.js';

export interface Clock {
  now(): number;
}

export interface IdSource {
  taskId(): string;
}

export interface DeliveryRecord {
  delivery: string;
  receivedAt: number;
  event: string;
  action: string | null;
  image: string | null;
  outcome: string;
  reason: string | null;
  taskId: string | null;
}

/** Synchronous store operations that run inside one database transaction. */
export interface IntakeTx {
  findDelivery(delivery: string): DeliveryRecord | undefined;
  saveDelivery(record: DeliveryRecord): void;
  rateTat(scope: string, key: string): number | undefined;
  setRateTat(scope: string, key: string, tat: number): void;
  findQueuedTask(image: string, units: readonly string[] | null): TaskRecord | undefined;
  createTask(task: TaskRecord): void;
  recordEvent(row: EventRow): void;
}

export interface EventReader {
  list(query: EventQuery): StoredEvent[];
}

export interface Probe {
  /** Resolves when the part answers; rejects with an AppError carrying a hint otherwise. */
  check(timeoutMs: number): Promise<string>;
}
