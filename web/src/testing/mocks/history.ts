/**
 * Longer lists than were recorded: the recorded period repeated further back in time, cycle after cycle,
 * each clone a recorded task (or event) with a new id, its times moved back. Every cycle lies more than a
 * day before the snapshot, so the recorded overview (its 24-hour counts, recent tasks, last results) still
 * holds for the longer list.
 */
import type { ApiEvent } from '@contract';
import { isFinished } from '@vocabulary';
import type { DataFixture, TaskStory } from './fixture-format';
import { madeUpTaskId } from './replay';

const DAY = 86_400_000;

export interface Clone<T> {
  of: T;
  /** The clone's own task id (for an event: the id of the clone of its task, if any). */
  id: string;
  shiftMs: number;
}

export class History {
  /** The recorded tasks that are copied: the ones that ended. */
  readonly templates: TaskStory[];
  private readonly periodMs: number;
  private readonly index: Map<string, number>;

  constructor(private readonly fixture: DataFixture) {
    this.templates = fixture.tasks.filter((s) => isFinished(s.detail.status));
    const times = this.templates.map((s) => Date.parse(s.detail.createdAt));
    this.periodMs = Math.max(3_600_000, Date.parse(fixture.recordedAt) - Math.min(...times, Infinity));
    this.index = new Map(this.templates.map((s, i) => [s.detail.id, i]));
  }

  private shiftOf = (cycle: number) => -(DAY + cycle * this.periodMs);
  private cloneId = (template: number, cycle: number) =>
    madeUpTaskId((cycle - 1) * this.templates.length + template);

  /** `count` tasks in all, newest first: the recorded ones, then cycles of clones. */
  tasks(count: number): Clone<TaskStory>[] {
    const out: Clone<TaskStory>[] = this.fixture.tasks.map((s) => ({ of: s, id: s.detail.id, shiftMs: 0 }));
    for (let cycle = 1; out.length < count && this.templates.length > 0; cycle++)
      this.templates.forEach((of, i) => {
        if (out.length < count) out.push({ of, id: this.cloneId(i, cycle), shiftMs: this.shiftOf(cycle) });
      });
    return out;
  }

  /** `count` events in all, newest first; a clone of an event names the clone of its task. */
  events(count: number): Clone<ApiEvent>[] {
    const recorded = this.fixture.events;
    const out: Clone<ApiEvent>[] = recorded.map((e) => ({ of: e, id: e.taskId ?? '', shiftMs: 0 }));
    const copied = recorded.filter((e) => e.taskId === null || this.index.has(e.taskId));
    for (let cycle = 1; out.length < count && copied.length > 0; cycle++)
      for (const of of copied) {
        if (out.length >= count) break;
        const template = of.taskId === null ? undefined : this.index.get(of.taskId);
        const id = template === undefined ? '' : this.cloneId(template, cycle);
        out.push({ of, id, shiftMs: this.shiftOf(cycle) });
      }
    return out;
  }
}
