/**
 * GET /metrics: what was counted as podup worked, with gauges read now: the task queue, units by state and
 * "update available" (the registry asked at most every UNIT_STATUS_MAX_AGE_MS, and never for longer than a
 * scrape may wait), schedules' next runs (a paused schedule has none, so it is left out rather than shown
 * as due at 0), and the notification outbox by channel and status.
 * Used by: GET /metrics
 */
import type { Clock, Log, MetricReadings, MetricsExposition, Stores } from '../domain/ports/index.js';
import type { UnitsService } from './units.js';

const UNIT_STATUS_MAX_AGE_MS = 5 * 60_000;
/** Prometheus' default scrape timeout is 10 s: the registry gets part of it. */
const UNIT_STATUS_WAIT_MS = 4000;

export class MetricsService {
  constructor(
    private readonly deps: {
      stores: Pick<Stores, 'tasks' | 'units' | 'outbox' | 'schedules'>;
      units: UnitsService;
      exposition: MetricsExposition;
      clock: Clock;
      log: Log;
    },
  ) {}

  private async units(): Promise<MetricReadings['units']> {
    const stored = this.deps.stores.units.present();
    const statuses = await Promise.race([
      this.deps.units.recentStatuses(UNIT_STATUS_MAX_AGE_MS).catch((err: unknown) => {
        this.deps.log.warn({ err }, 'metrics: unit statuses unavailable; update_available left out');
        return undefined;
      }),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), UNIT_STATUS_WAIT_MS).unref()),
    ]);
    const update = new Map((statuses ?? []).map((s) => [s.unit, s.updateAvailable]));
    return stored.map((u) => ({
      unit: u.unit,
      state: u.containerState,
      managed: u.managed,
      updateAvailable: update.get(u.unit) ?? null,
    }));
  }

  async render(): Promise<{ contentType: string; body: string }> {
    const { stores } = this.deps;
    // Since now: only what is queued or running is counted, not the history.
    const counts = stores.tasks.counts(this.deps.clock.now());
    return this.deps.exposition.render({
      queue: { queued: counts.queued, running: counts.running },
      units: await this.units(),
      schedules: stores.schedules
        .list()
        .flatMap((s) => (s.nextRunAt === null ? [] : [{ name: s.name, nextRunAt: s.nextRunAt }])),
      notifications: stores.outbox.counts().map((c) => ({ channel: c.channelId, status: c.status, n: c.n })),
    });
  }
}
