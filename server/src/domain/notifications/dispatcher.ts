/**
 * The outbox's worker: claims due deliveries (leased, so two podup processes never send one at once), sends
 * each to its channel, and records the result: delivered, or tried again after an exponential backoff, until
 * PODUP_NOTIFY_GIVE_UP after the state change (then failed). Everything it needs survives in the database: a
 * restart, kill -9 or a receiver down for hours only delays a message. A crash between a send and its record
 * sends it again once the lease ends; the dedup key goes along for receivers that care.
 * Used by: podup serve (in the background)
 */
import { errorMessage } from '../../errors.js';
import type { Clock, ClaimedDelivery, NotificationSender, OutboxStore, UnitOfWork } from '../ports/index.js';
import type { ChannelTarget } from './service-url.js';

export interface DispatcherSettings {
  /** The wait after the first failed attempt; it doubles with each further one. */
  backoffMs: number;
  backoffMaxMs: number;
  /** Deliveries still failing this long after their state change are given up (status failed). */
  giveUpAfterMs: number;
  /** A claimed delivery is another process's to take again after this (its sender died). */
  leaseMs: number;
  /** The longest sleep: messages queued by another process (the CLI) are seen within it. */
  pollMs: number;
  sendTimeoutMs: number;
  /** Deliveries claimed and sent at once. */
  batch: number;
}

/** A channel as the dispatcher finds it: reachable, gone (deliveries dropped), or unreadable (retried). */
export type ChannelLookup = ChannelTarget | { gone: true } | { unreadable: string };

export interface DispatcherDeps {
  stores: { outbox: Pick<OutboxStore, 'nextDue'> };
  writes: UnitOfWork;
  /** The channel of an id, resolved at each send: an edit or removal applies to what is still queued. */
  channel(id: string): ChannelLookup;
  sender: NotificationSender;
  clock: Clock;
  /** This process, as written into the leases. */
  owner: string;
  settings: DispatcherSettings;
  /** Told about each failed store write or send (never with a channel URL). */
  onError?(err: unknown): void;
}

export class NotificationDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Something was queued: deliver now. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over everything due now (also what a test or the CLI calls); resolves when it is recorded. */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const now = this.deps.clock.now();
      const claimed = await this.deps.writes.run((s) =>
        s.outbox.claimDue(now, this.deps.owner, now + this.deps.settings.leaseMs, this.deps.settings.batch),
      );
      if (claimed.length === 0) return sent;
      await Promise.all(claimed.map((d) => this.deliver(d)));
      sent += claimed.length;
      if (this.stopped) return sent;
    }
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), Math.max(0, ms));
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped || this.running) return;
    this.again = false;
    this.running = this.drain()
      .then(() => undefined)
      .catch((err: unknown) => this.deps.onError?.(err))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.again ? 0 : this.untilNext());
      });
  }

  private untilNext(): number {
    const { pollMs } = this.deps.settings;
    try {
      const next = this.deps.stores.outbox.nextDue();
      return next === undefined ? pollMs : Math.min(pollMs, next - this.deps.clock.now());
    } catch (err) {
      this.deps.onError?.(err);
      return pollMs;
    }
  }

  /** The wait before attempt n + 1 after n failed ones: backoff, doubled each time, capped. */
  delayAfter(attempts: number): number {
    const { backoffMs, backoffMaxMs } = this.deps.settings;
    return Math.min(backoffMaxMs, backoffMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const { clock, settings } = this.deps;
    let channel: ChannelLookup;
    try {
      channel = this.deps.channel(d.channelId);
    } catch (err) {
      channel = { unreadable: errorMessage(err) };
    }
    if ('gone' in channel) {
      await this.record((s) => s.outbox.dropChannel(d.channelId, clock.now()));
      return;
    }
    const result =
      'unreadable' in channel
        ? { ok: false as const, status: null, error: channel.unreadable }
        : await this.deps.sender.send(channel, d.message, settings.sendTimeoutMs);
    const now = clock.now();
    if (result.ok) {
      await this.record((s) => s.outbox.delivered(d.notificationId, d.channelId, now, result.status));
      return;
    }
    const attempts = d.attempts + 1;
    const next = now + this.delayAfter(attempts);
    const giveUp = next - d.createdAt > settings.giveUpAfterMs;
    await this.record((s) =>
      s.outbox.failed(d.notificationId, d.channelId, now, result.error, result.status, giveUp ? null : next),
    );
  }

  /** A result the store refused is lost, not the message: the lease ends and the delivery is tried again. */
  private async record(op: Parameters<UnitOfWork['run']>[0]): Promise<void> {
    await this.deps.writes.run(op).catch((err: unknown) => this.deps.onError?.(err));
  }
}
