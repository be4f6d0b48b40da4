/**
 * Notifications: the channels added from the API (their URLs sealed), the outbox (a message and one delivery
 * per channel, written in the transaction of the state change that causes it), the sender that reaches a
 * channel, and the sealer that keeps channel URLs out of the state dir in plain text.
 */
import type { MessageEvent, NotifyEvent } from '../notifications/events.js';
import type { NotificationMessage } from '../notifications/message.js';
import type { ChannelKind, ChannelTarget } from '../notifications/service-url.js';

export interface StoredChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  events: NotifyEvent[];
  /** The URL, sealed (ChannelSealer): never plain text at rest. */
  urlSealed: string;
  /** What may be shown of the URL (redactServiceUrl). */
  urlHint: string;
  createdAt: number;
  updatedAt: number;
}

export interface ChannelStore {
  list(): StoredChannel[];
  get(id: string): StoredChannel | undefined;
  /** Stores a new channel under a fresh id (ch_...). */
  create(channel: Omit<StoredChannel, 'id'>): StoredChannel;
  update(id: string, patch: Partial<Omit<StoredChannel, 'id' | 'createdAt'>>): boolean;
  delete(id: string): boolean;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dropped'] as const;
/** pending: to be sent (again); failed: given up after PODUP_NOTIFY_GIVE_UP; dropped: its channel was removed. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface OutboxDelivery {
  notificationId: number;
  channelId: string;
  event: MessageEvent;
  dedupKey: string;
  status: DeliveryStatus;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  /** HTTP status of the last attempt, when one came back. */
  lastStatus: number | null;
  /** When the notification was written (the state change). */
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

export interface ClaimedDelivery extends OutboxDelivery {
  message: NotificationMessage;
}

export interface OutboxCount {
  channelId: string;
  status: DeliveryStatus;
  n: number;
}

export interface OutboxStore {
  /**
   * Writes `message` with one pending delivery per channel; false (and nothing written) when its dedup key was
   * written before: a state change recorded twice notifies once.
   */
  add(message: NotificationMessage, channelIds: readonly string[], now: number): boolean;
  /** Takes up to `limit` pending deliveries due at `now` for `owner` until `leaseUntil` (not taken by another). */
  claimDue(now: number, owner: string, leaseUntil: number, limit: number): ClaimedDelivery[];
  delivered(notificationId: number, channelId: string, now: number, status: number): void;
  /** One attempt failed: try again at `nextAt`, or give up (status failed) when `nextAt` is null. */
  failed(
    notificationId: number,
    channelId: string,
    now: number,
    error: string,
    status: number | null,
    nextAt: number | null,
  ): void;
  /** Its channel was removed: pending deliveries become dropped. */
  dropChannel(channelId: string, now: number): number;
  /** The earliest next attempt of a pending delivery. */
  nextDue(): number | undefined;
  /** The newest deliveries of a channel (the panel's "last deliveries and failures"). */
  recent(channelId: string, limit: number): OutboxDelivery[];
  counts(): OutboxCount[];
  hasPending(): boolean;
}

export type SendResult = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/** Reaches a channel (adapters/notify). Never throws; an error never carries the URL (it holds secrets). */
export interface NotificationSender {
  send(target: ChannelTarget, message: NotificationMessage, timeoutMs: number): Promise<SendResult>;
}

/** Seals channel URLs for the state database with a key from PODUP_NOTIFY_SECRET (adapters/notify). */
export interface ChannelSealer {
  /** False without PODUP_NOTIFY_SECRET: channels cannot be added from the API. */
  readonly configured: boolean;
  seal(url: string): string;
  /** The URL, or undefined when it was sealed with another secret. */
  open(sealed: string): string | undefined;
}

/** The notification worker, told when something was queued so that it delivers now. */
export interface NotificationQueue {
  poke(): void;
}
