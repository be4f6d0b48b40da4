/**
 * The engine's journal, read for /metrics on its way to the store: every timed step (a line with its
 * duration) is a step duration, every unit that ends rolled back a rollback. Recorded whether or not the
 * store keeps the line.
 */
import type { Metrics, TaskJournal } from '../ports/index.js';

export class MeasuredJournal implements TaskJournal {
  constructor(
    private readonly journal: TaskJournal,
    private readonly metrics: Metrics,
  ) {}

  log(...args: Parameters<TaskJournal['log']>): void {
    const [level, step, , extra] = args;
    if (extra?.durationMs !== undefined) this.metrics.step(step, extra.durationMs / 1000, level === 'error');
    this.journal.log(...args);
  }

  unit(...args: Parameters<TaskJournal['unit']>): void {
    if (args[1].status === 'rolled-back') this.metrics.rollback();
    this.journal.unit(...args);
  }
}
