/**
 * /metrics with prom-client: counters and histograms recorded as podup works, gauges set from readings taken at
 * scrape time, Node's process metrics. A registry of its own (not prom-client's global one), and the default
 * process collectors start at the first scrape: nothing runs while the startup snapshot is built, and a CLI
 * command that never serves never starts them.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Outcome } from '../../domain/events/event.js';
import type { MetricReadings, Metrics, MetricsExposition } from '../../domain/ports/index.js';
import type { Step, TaskStatus, TaskTrigger } from '../../domain/tasks/task.js';
import { VERSION } from '../../version.js';

/** Pulls can take minutes, a health gate is the health window (10 s by default). */
const STEP_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

export class PrometheusMetrics implements Metrics, MetricsExposition {
  private readonly registry = new Registry();
  private defaultsStarted = false;

  private readonly requests = new Counter({
    name: 'podup_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and outcome (webhooks: /webhooks/github, ...)',
    labelNames: ['route', 'method', 'outcome'],
    registers: [this.registry],
  });
  private readonly tasks = new Counter({
    name: 'podup_tasks_finished_total',
    help: 'Tasks that ended, by trigger and final status',
    labelNames: ['trigger', 'status'],
    registers: [this.registry],
  });
  private readonly steps = new Histogram({
    name: 'podup_update_step_duration_seconds',
    help: 'Duration of update steps (pull, restart, health gate, verify, rollback), by step and result',
    labelNames: ['step', 'result'],
    buckets: STEP_BUCKETS,
    registers: [this.registry],
  });
  private readonly rollbacks = new Counter({
    name: 'podup_rollbacks_total',
    help: 'Units rolled back to the image they ran before',
    registers: [this.registry],
  });
  private readonly queue = new Gauge({
    name: 'podup_task_queue',
    help: 'Tasks waiting (queued) and running now',
    labelNames: ['state'],
    registers: [this.registry],
  });
  private readonly units = new Gauge({
    name: 'podup_units',
    help: 'Discovered units by container state and whether podup manages them',
    labelNames: ['state', 'managed'],
    registers: [this.registry],
  });
  private readonly updates = new Gauge({
    name: 'podup_unit_update_available',
    help: 'Per unit: 1 when the registry has a digest the unit does not run, 0 when up to date (unknown: absent)',
    labelNames: ['unit'],
    registers: [this.registry],
  });
  private readonly schedules = new Gauge({
    name: 'podup_schedule_next_run_timestamp_seconds',
    help: 'When each schedule runs next (unix seconds)',
    labelNames: ['schedule'],
    registers: [this.registry],
  });
  private readonly notifications = new Gauge({
    name: 'podup_notification_deliveries',
    help: 'Notification deliveries in the outbox by channel and status (pending: not yet delivered; failed: given up)',
    labelNames: ['channel', 'status'],
    registers: [this.registry],
  });

  constructor() {
    new Gauge({
      name: 'podup_build_info',
      help: 'The running podup: 1, with its version and Node.js version as labels',
      labelNames: ['version', 'node'],
      registers: [this.registry],
    }).set({ version: VERSION, node: process.versions.node }, 1);
  }

  request(route: string, method: string, outcome: Outcome): void {
    this.requests.inc({ route, method, outcome });
  }

  taskEnded(trigger: TaskTrigger, status: TaskStatus): void {
    this.tasks.inc({ trigger, status });
  }

  step(step: Step, seconds: number, failed: boolean): void {
    this.steps.observe({ step, result: failed ? 'failed' : 'ok' }, seconds);
  }

  rollback(): void {
    this.rollbacks.inc();
  }

  async render(r: MetricReadings): Promise<{ contentType: string; body: string }> {
    if (!this.defaultsStarted) {
      this.defaultsStarted = true;
      collectDefaultMetrics({ register: this.registry });
    }
    this.queue.set({ state: 'queued' }, r.queue.queued);
    this.queue.set({ state: 'running' }, r.queue.running);
    // Gauges of sets that change (units, channels) are rebuilt: a removed unit must not linger.
    this.units.reset();
    for (const u of r.units) this.units.inc({ state: u.state ?? 'unknown', managed: String(u.managed) });
    this.updates.reset();
    for (const u of r.units)
      if (u.updateAvailable !== null) this.updates.set({ unit: u.unit }, u.updateAvailable ? 1 : 0);
    this.schedules.reset();
    for (const s of r.schedules) this.schedules.set({ schedule: s.name }, s.nextRunAt / 1000);
    this.notifications.reset();
    for (const n of r.notifications) this.notifications.set({ channel: n.channel, status: n.status }, n.n);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
