/**
 * What podup counts as it goes (the recording side of /metrics), and the exposition of it with the gauges read
 * at scrape time. adapters/metrics holds the Prometheus implementation; without one nothing is counted.
 */
import type { Outcome } from '../events/event.js';
import type { Step, TaskStatus, TaskTrigger } from '../tasks/task.js';
import type { DeliveryStatus } from './notify.js';

export interface Metrics {
  /** One HTTP request answered; `route` is its pattern, never a raw path (bounded label values). */
  request(route: string, method: string, outcome: Outcome): void;
  taskEnded(trigger: TaskTrigger, status: TaskStatus): void;
  /** An engine step that was timed (pull, restart, health, verify, rollback). */
  step(step: Step, seconds: number, failed: boolean): void;
  rollback(): void;
}

/** The gauges, read when Prometheus scrapes. */
export interface MetricReadings {
  queue: { queued: number; running: number };
  units: Array<{ unit: string; state: string | null; managed: boolean; updateAvailable: boolean | null }>;
  /** Issue 9's schedules: when each runs next (unix ms). */
  schedules: Array<{ name: string; nextRunAt: number }>;
  notifications: Array<{ channel: string; status: DeliveryStatus; n: number }>;
}

export interface MetricsExposition {
  render(readings: MetricReadings): Promise<{ contentType: string; body: string }>;
}

export const NO_METRICS: Metrics = {
  request: () => undefined,
  taskEnded: () => undefined,
  step: () => undefined,
  rollback: () => undefined,
};
