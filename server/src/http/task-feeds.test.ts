import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskLogRow } from '../domain/ports/index.js';
import type { TaskRecord, TaskStatus } from '../domain/tasks/task.js';
import { TaskFeeds, type FeedSubscriber } from './task-feeds.js';

/** One task's log and status in memory, counting the reads. */
class Store {
  rows: TaskLogRow[] = [];
  status: TaskStatus | 'gone' = 'running';
  reads = 0;
  fail = false;

  add(message: string): number {
    const id = (this.rows.at(-1)?.id ?? 0) + 1;
    this.rows.push({ id, ts: id, level: 'info', step: 'task', unit: null, message, durationMs: null });
    return id;
  }

  taskLog = (_id: string, after: number, limit: number): TaskLogRow[] => {
    this.reads++;
    if (this.fail) throw new Error('disk I/O error');
    return this.rows.filter((r) => r.id > after).slice(0, limit);
  };

  findTask = (): TaskRecord | undefined =>
    this.status === 'gone' ? undefined : ({ status: this.status, summary: 'done' } as TaskRecord);
}

class Subscriber implements FeedSubscriber {
  lines: number[] = [];
  ends: Array<string | undefined> = [];
  cuts = 0;
  keepAlives = 0;
  open = true;
  /** Goes away after this many lines (a client that stopped reading). */
  constructor(private readonly capacity = Infinity) {}

  line(row: TaskLogRow): void {
    this.lines.push(row.id);
    if (this.lines.length >= this.capacity) this.open = false;
  }
  end(task: TaskRecord | undefined): void {
    this.ends.push(task?.status);
    this.open = false;
  }
  cut(): void {
    this.cuts++;
    this.open = false;
  }
  keepAlive(): void {
    this.keepAlives++;
  }
}

let store: Store;
let errors: unknown[];
let feeds: TaskFeeds;
beforeEach(() => {
  vi.useFakeTimers();
  store = new Store();
  errors = [];
  feeds = new TaskFeeds(store, (err) => errors.push(err), { page: 3, maxBacklogPages: 2, keepAliveMs: 1000 });
});
afterEach(() => vi.useRealTimers());

const tick = () => vi.advanceTimersByTime(250);

describe('TaskFeeds', () => {
  it('gives each subscriber its backlog, then one read per tick fans new lines out to all of them', () => {
    store.add('a');
    store.add('b');
    const early = new Subscriber();
    const late = new Subscriber();
    feeds.subscribe('t', 0, early);
    feeds.subscribe('t', 1, late);
    expect(early.lines).toEqual([1, 2]);
    expect(late.lines).toEqual([2]);
    expect(feeds.polling).toBe(1);

    store.add('c');
    store.reads = 0;
    tick();
    expect(store.reads).toBe(1);
    expect(early.lines).toEqual([1, 2, 3]);
    expect(late.lines).toEqual([2, 3]);
  });

  it('a subscriber ahead of the feed gets no line twice', () => {
    const first = new Subscriber();
    feeds.subscribe('t', 0, first);
    store.add('a');
    // Joins between two ticks: its backlog already holds line 1, which the next tick reads for the feed.
    const second = new Subscriber();
    feeds.subscribe('t', 0, second);
    tick();
    expect(first.lines).toEqual([1]);
    expect(second.lines).toEqual([1]);
  });

  it('ends every subscriber once the task finished and its last line went out, and stops polling', () => {
    const s = new Subscriber();
    feeds.subscribe('t', 0, s);
    store.add('last');
    store.status = 'succeeded';
    tick();
    expect(s.lines).toEqual([1]);
    expect(s.ends).toEqual(['succeeded']);
    expect(feeds.polling).toBe(0);
    store.reads = 0;
    tick();
    expect(store.reads).toBe(0);
  });

  it('ends a subscriber of a finished or vanished task at once, without a poll', () => {
    store.add('only');
    store.status = 'failed';
    const s = new Subscriber();
    feeds.subscribe('t', 0, s);
    expect(s.lines).toEqual([1]);
    expect(s.ends).toEqual(['failed']);
    store.status = 'gone';
    const g = new Subscriber();
    feeds.subscribe('t', 1, g);
    expect(g.ends).toEqual([undefined]);
    expect(feeds.polling).toBe(0);
  });

  it('stops polling when the last subscriber leaves', () => {
    const a = new Subscriber();
    const b = new Subscriber();
    const leaveA = feeds.subscribe('t', 0, a);
    const leaveB = feeds.subscribe('t', 0, b);
    leaveA();
    expect(feeds.polling).toBe(1);
    leaveB();
    expect(feeds.polling).toBe(0);
    store.reads = 0;
    tick();
    expect(store.reads).toBe(0);
  });

  it('drops a subscriber that went away, and keeps the others', () => {
    const slow = new Subscriber(1);
    const fine = new Subscriber();
    feeds.subscribe('t', 0, slow);
    feeds.subscribe('t', 0, fine);
    store.add('a');
    store.add('b');
    tick();
    expect(slow.lines).toEqual([1]);
    expect(fine.lines).toEqual([1, 2]);
    store.add('c');
    tick();
    expect(slow.lines).toEqual([1]);
    expect(fine.lines).toEqual([1, 2, 3]);
  });

  it('cuts a backlog longer than its pages (the client resumes from its Last-Event-ID)', () => {
    for (let i = 0; i < 7; i++) store.add(`line ${i}`);
    const s = new Subscriber();
    feeds.subscribe('t', 0, s);
    expect(s.lines).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.cuts).toBe(1);
    expect(feeds.polling).toBe(0);
  });

  it('sends keep-alives to every subscriber', () => {
    const s = new Subscriber();
    feeds.subscribe('t', 0, s);
    vi.advanceTimersByTime(1000);
    expect(s.keepAlives).toBe(1);
  });

  it('cuts its subscribers and reports when a read fails; a new subscriber starts over', () => {
    const s = new Subscriber();
    feeds.subscribe('t', 0, s);
    store.fail = true;
    tick();
    expect(s.cuts).toBe(1);
    expect(errors).toHaveLength(1);
    expect(feeds.polling).toBe(0);
    expect(() => feeds.subscribe('t', 0, new Subscriber())).toThrow('disk I/O error');
    expect(feeds.polling).toBe(0);
  });
});
