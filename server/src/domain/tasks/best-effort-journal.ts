/**
 * The journal the engine writes to while it changes units. A line the store refuses (a full disk) must not
 * throw into the middle of an update: a unit that was restarted still has to be verified or rolled back. The
 * refused lines are counted, and the runner says so in the task's result.
 */
import type { TaskJournal } from '../ports/index.js';

export class BestEffortJournal implements TaskJournal {
  lost = 0;

  constructor(
    private readonly journal: TaskJournal,
    private readonly onLoss: (err: unknown) => void,
  ) {}

  log(...args: Parameters<TaskJournal['log']>): void {
    this.write(() => this.journal.log(...args));
  }

  unit(...args: Parameters<TaskJournal['unit']>): void {
    this.write(() => this.journal.unit(...args));
  }

  private write(line: () => void): void {
    try {
      line();
    } catch (err) {
      this.lost++;
      this.onLoss(err);
    }
  }
}
