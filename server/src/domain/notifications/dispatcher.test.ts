/**
 * The outbox worker's retry schedule on a fake clock (vitest's fake timers: Date and the worker's own timer):
 * after each failed attempt the next one waits the backoff, doubled each time up to the cap, with no jitter; a
 * delivery still failing past PODUP_NOTIFY_GIVE_UP is given up; one that goes through stops the retries. The
 * outbox here is a small in-memory one over the port (the SQLite store has its own tests).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  ClaimedDelivery,
  NotificationSender,
  OutboxStore,
  SendResult,
  Stores,
  UnitOfWork,
} from '../ports/index.js';
import { NotificationDispatcher, type DispatcherSettings } from './dispatcher.js';
import type { NotificationMessage } from './message.js';
import type { ChannelTarget } from './service-url.js';

const T0 = Date.parse('2026-11-30T00:00:00Z');
const SECOND = 1000;

const MESSAGE: NotificationMessage = {
  event: 'failed',
  dedupKey: 'failed:tsk_ONE',
  time: new Date(T0).toISOString(),
  severity: 'error',
  title: 'web.service: update failed',
  text: 'web.service: update failed',
  taskId: 'tsk_ONE',
  link: null,
  units: [],
};

const TARGET: ChannelTarget = { kind: 'json', endpoint: 'http://ops/', headers: {}, events: ['failed'] };

/** One delivery's row, with what the port's methods do to it. */
class OneDeliveryOutbox implements Pick<OutboxStore, 'claimDue' | 'delivered' | 'failed' | 'nextDue'> {
  readonly row: ClaimedDelivery & { leaseUntil: number } = {
    notificationId: 1,
    channelId: 'ch_ops',
    event: 'failed',
    dedupKey: MESSAGE.dedupKey,
    status: 'pending',
    attempts: 0,
    nextAt: T0,
    lastError: null,
    lastStatus: null,
    createdAt: T0,
    updatedAt: T0,
    deliveredAt: null,
    message: MESSAGE,
    leaseUntil: 0,
  };

  claimDue(now: number, _owner: string, leaseUntil: number): ClaimedDelivery[] {
    const r = this.row;
    if (r.status !== 'pending' || r.nextAt > now || r.leaseUntil > now) return [];
    r.leaseUntil = leaseUntil;
    return [{ ...r }];
  }

  delivered(_id: number, _channel: string, now: number, status: number): void {
    Object.assign(this.row, { status: 'delivered', deliveredAt: now, lastStatus: status, leaseUntil: 0 });
  }

  failed(
    _id: number,
    _channel: string,
    now: number,
    error: string,
    status: number | null,
    nextAt: number | null,
  ) {
    const r = this.row;
    Object.assign(r, {
      attempts: r.attempts + 1,
      lastError: error,
      lastStatus: status,
      updatedAt: now,
      leaseUntil: 0,
    });
    if (nextAt === null) r.status = 'failed';
    else r.nextAt = nextAt;
  }

  nextDue(): number | undefined {
    return this.row.status === 'pending' ? this.row.nextAt : undefined;
  }
}

const SETTINGS: DispatcherSettings = {
  backoffMs: 10 * SECOND,
  backoffMaxMs: 160 * SECOND,
  giveUpAfterMs: 20 * 60 * SECOND,
  leaseMs: 60 * SECOND,
  pollMs: 3_600 * SECOND,
  sendTimeoutMs: 5 * SECOND,
  batch: 10,
};

let outbox: OneDeliveryOutbox;
/** When each attempt was made, ms after T0. */
let attemptsAt: number[];
let answer: () => SendResult;
let dispatcher: NotificationDispatcher;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  outbox = new OneDeliveryOutbox();
  attemptsAt = [];
  answer = () => ({ ok: false, status: 503, error: 'HTTP 503' });
  const sender: NotificationSender = {
    send: async () => {
      attemptsAt.push(Date.now() - T0);
      return answer();
    },
  };
  const writes: UnitOfWork = {
    run: async (op) => op({ outbox } as unknown as Stores),
    flush: () => undefined,
  };
  dispatcher = new NotificationDispatcher({
    stores: { outbox },
    writes,
    channel: () => TARGET,
    sender,
    clock: { now: () => Date.now() },
    owner: 'test',
    settings: SETTINGS,
  });
});
afterEach(async () => {
  await dispatcher.stop();
  vi.useRealTimers();
});

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] ?? 0));

describe('retries with exponential backoff', () => {
  it('waits the backoff after the first failure, doubles it after each further one up to the cap, and never jitters', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20, 100].map((n) => dispatcher.delayAfter(n) / SECOND)).toEqual([
      10, 20, 40, 80, 160, 160, 160, 160, 160,
    ]);
    // The same answer every time: no jitter to bound.
    expect(dispatcher.delayAfter(3)).toBe(dispatcher.delayAfter(3));
  });

  it('sends at those delays on the worker’s own timer until PODUP_NOTIFY_GIVE_UP, then gives up', async () => {
    dispatcher.start();
    await vi.advanceTimersByTimeAsync(SETTINGS.giveUpAfterMs + SETTINGS.backoffMaxMs);

    // 0, +10 s, +20 s, +40 s, +80 s, then every 160 s: the attempt at 1110 s would be followed by one at 1270 s,
    // past the 1200 s give-up, so it is the last.
    expect(gaps(attemptsAt).map((g) => g / SECOND)).toEqual([10, 20, 40, 80, 160, 160, 160, 160, 160, 160]);
    expect(attemptsAt.at(-1)).toBe(1110 * SECOND);
    expect(outbox.row).toMatchObject({
      status: 'failed',
      attempts: attemptsAt.length,
      lastError: 'HTTP 503',
    });

    // Given up: nothing more, however long podup runs.
    const tried = attemptsAt.length;
    await vi.advanceTimersByTimeAsync(SETTINGS.pollMs * 3);
    expect(attemptsAt).toHaveLength(tried);
  });

  it('does not try before the delay is over, and stops retrying once a delivery goes through', async () => {
    dispatcher.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(attemptsAt).toEqual([0]);
    await vi.advanceTimersByTimeAsync(10 * SECOND - 1);
    expect(attemptsAt).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attemptsAt).toEqual([0, 10 * SECOND]);
    await vi.advanceTimersByTimeAsync(20 * SECOND - 1);
    expect(attemptsAt).toHaveLength(2);

    answer = () => ({ ok: true, status: 200 });
    await vi.advanceTimersByTimeAsync(1);
    expect(attemptsAt).toEqual([0, 10 * SECOND, 30 * SECOND]);
    expect(outbox.row).toMatchObject({ status: 'delivered', deliveredAt: T0 + 30 * SECOND, attempts: 2 });
    await vi.advanceTimersByTimeAsync(SETTINGS.giveUpAfterMs);
    expect(attemptsAt).toHaveLength(3);
  });
});
