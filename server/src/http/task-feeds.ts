/**
 * One poll of the store per followed task, however many streams follow it: each poll's new lines go to every
 * subscriber, and the poll stops when the last one leaves. (A poll per stream cost 68 % of a core for 5,000
 * streams on one task.) A subscriber gets its backlog once, when it joins, from its own Last-Event-ID.
 *
 * This is delivery machinery (timers, fan-out, keep-alive), so it lives in http over the read use case
 * (QueryService.taskLog / findTask) that stays the one way to the store.
 */
import type { TaskLogRow } from '../domain/ports/index.js';
import { isFinished, type TaskRecord } from '../domain/tasks/task.js';
import type { QueryService } from '../use-cases/queries.js';

export interface FeedSubscriber {
  /** False once it went away (client gone, fell behind): the feed drops it. */
  readonly open: boolean;
  /** Each line after the subscriber's position, oldest first. */
  line(row: TaskLogRow): void;
  /** The task ended (or is gone: undefined) and every line was delivered. */
  end(task: TaskRecord | undefined): void;
  /** The feed stopped without an end (a read failed, a backlog too long for one go): reconnecting continues. */
  cut(): void;
  keepAlive(): void;
}

export interface TaskFeedSettings {
  pollMs: number;
  keepAliveMs: number;
  /** Lines read per poll and per backlog page. */
  page: number;
  /** A backlog longer than this many pages is cut; the client resumes from its Last-Event-ID. */
  maxBacklogPages: number;
}

export const FEED_DEFAULTS: TaskFeedSettings = {
  pollMs: 250,
  keepAliveMs: 15_000,
  page: 500,
  maxBacklogPages: 20,
};

interface Feed {
  /** Subscriber -> id of the last line it has. */
  readonly subscribers: Map<FeedSubscriber, number>;
  /** Id of the last line this feed's polls read. */
  head: number;
  lastKeepAlive: number;
  timer: NodeJS.Timeout;
}

type Reads = Pick<QueryService, 'taskLog' | 'findTask'>;

export class TaskFeeds {
  private readonly feeds = new Map<string, Feed>();
  private readonly settings: TaskFeedSettings;

  constructor(
    private readonly queries: Reads,
    private readonly onError: (err: unknown, taskId: string) => void,
    settings: Partial<TaskFeedSettings> = {},
  ) {
    this.settings = { ...FEED_DEFAULTS, ...settings };
  }

  /** Tasks polled right now (one poll each). */
  get polling(): number {
    return this.feeds.size;
  }

  /**
   * Sends `subscriber` the lines after `after`, then the task's live lines and its end. Returns how to leave.
   * Throws when the backlog cannot be read (nothing was subscribed then).
   */
  subscribe(taskId: string, after: number, subscriber: FeedSubscriber): () => void {
    const { page, maxBacklogPages } = this.settings;
    let position = after;
    for (let pages = 1; ; pages++) {
      const rows = this.queries.taskLog(taskId, position, page);
      position = deliver(subscriber, rows, position);
      if (!subscriber.open) return noop;
      if (rows.length < page) break;
      if (pages >= maxBacklogPages) {
        subscriber.cut();
        return noop;
      }
    }
    if (this.ended(taskId, position, [subscriber])) return noop;
    const feed = this.feeds.get(taskId) ?? this.start(taskId, position);
    feed.subscribers.set(subscriber, position);
    return () => this.leave(taskId, subscriber);
  }

  private start(taskId: string, head: number): Feed {
    const feed: Feed = {
      subscribers: new Map(),
      head,
      lastKeepAlive: Date.now(),
      timer: setInterval(() => this.poll(taskId, feed), this.settings.pollMs),
    };
    feed.timer.unref();
    this.feeds.set(taskId, feed);
    return feed;
  }

  private leave(taskId: string, subscriber: FeedSubscriber): void {
    const feed = this.feeds.get(taskId);
    if (!feed) return;
    feed.subscribers.delete(subscriber);
    if (feed.subscribers.size === 0) this.stop(taskId, feed);
  }

  private stop(taskId: string, feed: Feed): void {
    clearInterval(feed.timer);
    if (this.feeds.get(taskId) === feed) this.feeds.delete(taskId);
  }

  private poll(taskId: string, feed: Feed): void {
    const { subscribers } = feed;
    try {
      const rows = this.queries.taskLog(taskId, feed.head, this.settings.page);
      for (const [subscriber, position] of subscribers) {
        if (subscriber.open) subscribers.set(subscriber, deliver(subscriber, rows, position));
      }
      feed.head = rows.at(-1)?.id ?? feed.head;
      for (const subscriber of subscribers.keys()) if (!subscriber.open) subscribers.delete(subscriber);

      if (rows.length < this.settings.page && this.ended(taskId, feed.head, [...subscribers.keys()])) {
        this.stop(taskId, feed);
        return;
      }
      if (Date.now() - feed.lastKeepAlive >= this.settings.keepAliveMs) {
        feed.lastKeepAlive = Date.now();
        for (const subscriber of subscribers.keys()) subscriber.keepAlive();
      }
    } catch (err) {
      this.onError(err, taskId);
      this.stop(taskId, feed);
      for (const subscriber of subscribers.keys()) subscriber.cut();
    }
    if (subscribers.size === 0) this.stop(taskId, feed);
  }

  /**
   * A finished (or vanished) task whose last line is at `position` ends its subscribers. Its status is read
   * after the lines, and one more read makes sure no line was written in between.
   */
  private ended(taskId: string, position: number, subscribers: FeedSubscriber[]): boolean {
    const task = this.queries.findTask(taskId);
    if (task && !isFinished(task.status)) return false;
    if (this.queries.taskLog(taskId, position, 1).length > 0) return false;
    for (const subscriber of subscribers) subscriber.end(task);
    return true;
  }
}

function noop(): void {}

/** Sends `rows` after `position` to `subscriber`; returns its new position. */
function deliver(subscriber: FeedSubscriber, rows: TaskLogRow[], position: number): number {
  let at = position;
  for (const row of rows) {
    if (row.id <= at) continue;
    subscriber.line(row);
    at = row.id;
    if (!subscriber.open) break;
  }
  return at;
}
