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

/* ---- Update engine (issue: update engine) ---- */

export interface ContainerInfo {
  id: string;
  names: string[];
  /** The image reference the container was created with. */
  image: string;
  imageId: string;
  state: string;
  labels: Record<string, string>;
  /** Unix ms. */
  startedAt: number;
}

export interface ImageInfo {
  id: string;
  digest: string | null;
  repoDigests: string[];
  repoTags: string[];
  /** Unix ms. */
  created: number;
}

export interface ContainerRuntime {
  listContainers(): Promise<ContainerInfo[]>;
  /** By id or reference; undefined when there is no such image. */
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  listImages(): Promise<ImageInfo[]>;
  /** Pulls `ref`, reporting progress lines; resolves with the pulled image id. */
  pull(ref: string, onProgress: (line: string) => void, signal?: AbortSignal): Promise<string>;
  /** Points `ref` (repository:tag) at `imageId`. */
  tag(imageId: string, ref: string): Promise<void>;
  /** Removes an image that no container uses; "in-use" and "missing" are not errors. */
  removeImage(id: string): Promise<'removed' | 'in-use' | 'missing'>;
  containerLogs(id: string, tail: number): Promise<string[]>;
}

export interface UnitState {
  activeState: string;
  subState: string;
  result: string;
  nRestarts: number | null;
  mainPid: number;
  invocationId: string;
}

export interface UnitManager {
  /** RestartUnit(unit, "replace") and the result of its job (done, failed, timeout, ...). */
  restart(unit: string, timeoutMs: number): Promise<{ job: string; result: string }>;
  state(unit: string): Promise<UnitState>;
  /** ResetFailedUnit: clears the failed state and the start rate-limit counter. */
  resetFailed(unit: string): Promise<void>;
  /** Recent journal lines of the unit; rejects when the journal cannot be read. */
  journal(unit: string, lines: number): Promise<string[]>;
}

export interface DigestLookup {
  signal?: AbortSignal | undefined;
  /** Accept a cached answer at most this old; 0 asks the registry. */
  maxAgeMs?: number | undefined;
}

export interface DigestResolver {
  /** The manifest digest a tag points at, and where it was read. */
  digest(reference: string, options?: DigestLookup): Promise<{ digest: string; endpoint: string }>;
}
