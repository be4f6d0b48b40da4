/**
 * Which channels a message goes to, decided when it is queued: the channels of PODUP_NOTIFY (in the
 * configuration) and those added from the API (in the state database) that selected its event, or the one
 * channel a test was asked for. Queueing happens inside the caller's transaction (the outbox). Pure.
 */
import type { ChannelStore, OutboxStore } from '../ports/index.js';
import type { NotificationMessage } from './message.js';
import type { ChannelTarget } from './service-url.js';

/** A channel of PODUP_NOTIFY: its URL stays in the configuration, never in the state database. */
export interface ConfiguredChannel {
  id: string;
  name: string;
  /** Redacted, for display. */
  urlHint: string;
  target: ChannelTarget;
}

export type RoutingStores = { channels: Pick<ChannelStore, 'list'>; outbox: Pick<OutboxStore, 'add'> };

export class NotificationRouting {
  constructor(readonly configured: readonly ConfiguredChannel[]) {}

  subscribers(stores: RoutingStores, message: NotificationMessage): string[] {
    if (message.event === 'test') return [];
    const event = message.event;
    return [
      ...this.configured.filter((c) => c.target.events.includes(event)).map((c) => c.id),
      ...stores.channels
        .list()
        .filter((c) => c.events.includes(event))
        .map((c) => c.id),
    ];
  }

  /** Queues `message` for its subscribers (or only `channel`); false when none or already queued once. */
  enqueue(stores: RoutingStores, message: NotificationMessage, now: number, channel?: string): boolean {
    const to = channel === undefined ? this.subscribers(stores, message) : [channel];
    if (to.length === 0) return false;
    return stores.outbox.add(message, to, now);
  }
}
