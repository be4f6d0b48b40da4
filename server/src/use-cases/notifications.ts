/**
 * Notification channels: those of PODUP_NOTIFY (read-only here: the configuration owns them) and those added
 * from the API or panel (their URLs sealed with PODUP_NOTIFY_SECRET), each with its last deliveries and
 * failures; "send a test" queues a message for one channel through the same outbox as everything else. A
 * channel URL is never answered, logged or stored in plain text: only its hint (service and server).
 * Used by: GET|POST /api/v1/notifications/channels, PATCH|DELETE .../:id, POST .../:id/test, the dispatcher
 */
import type { ChannelLookup } from '../domain/notifications/dispatcher.js';
import type { NotifyEvent } from '../domain/notifications/events.js';
import { testMessage, type PanelLinks } from '../domain/notifications/message.js';
import type { NotificationRouting } from '../domain/notifications/routing.js';
import {
  defaultChannelName,
  parseServiceUrl,
  redactServiceUrl,
  type ChannelKind,
} from '../domain/notifications/service-url.js';
import type {
  ChannelSealer,
  Clock,
  DeliveryStatus,
  NotificationQueue,
  OutboxDelivery,
  Stores,
  UnitOfWork,
} from '../domain/ports/index.js';
import { AppError } from '../errors.js';
import { decidedRow, recorded, type AuditFields, type Origin } from './origin.js';

export interface ChannelView {
  id: string;
  name: string;
  kind: ChannelKind;
  /** env: PODUP_NOTIFY (change it there); api: added from the API or panel. */
  source: 'env' | 'api';
  events: NotifyEvent[];
  /** The service and, where it is no secret, the server: never the whole URL. */
  url: string;
  /** False when a stored URL cannot be opened (PODUP_NOTIFY_SECRET changed): re-enter it. */
  readable: boolean;
  createdAt: number | null;
  counts: Record<DeliveryStatus, number>;
  recent: OutboxDelivery[];
}

export interface ChannelInput {
  name?: string | undefined;
  url?: string | undefined;
  /** Replaces the URL's ?events= selection. */
  events?: readonly NotifyEvent[] | undefined;
}

const RECENT = 10;
const zero = (): Record<DeliveryStatus, number> => ({ pending: 0, delivered: 0, failed: 0, dropped: 0 });

export class NotificationService {
  private tests = 0;

  constructor(
    private readonly deps: {
      stores: Pick<Stores, 'channels' | 'outbox'>;
      writes: UnitOfWork;
      clock: Clock;
      routing: NotificationRouting;
      sealer: ChannelSealer;
      links: PanelLinks;
      queue: NotificationQueue;
    },
  ) {}

  get secretConfigured(): boolean {
    return this.deps.sealer.configured;
  }

  list(): ChannelView[] {
    const { stores, routing, sealer } = this.deps;
    const counts = new Map<string, Record<DeliveryStatus, number>>();
    for (const c of stores.outbox.counts()) {
      const entry = counts.get(c.channelId) ?? zero();
      entry[c.status] = c.n;
      counts.set(c.channelId, entry);
    }
    const view = (v: Omit<ChannelView, 'counts' | 'recent'>): ChannelView => ({
      ...v,
      counts: counts.get(v.id) ?? zero(),
      recent: stores.outbox.recent(v.id, RECENT),
    });
    return [
      ...routing.configured.map((c) =>
        view({
          id: c.id,
          name: c.name,
          kind: c.target.kind,
          source: 'env',
          events: c.target.events,
          url: c.urlHint,
          readable: true,
          createdAt: null,
        }),
      ),
      ...stores.channels.list().map((c) =>
        view({
          id: c.id,
          name: c.name,
          kind: c.kind,
          source: 'api',
          events: c.events,
          url: c.urlHint,
          readable: sealer.open(c.urlSealed) !== undefined,
          createdAt: c.createdAt,
        }),
      ),
    ];
  }

  private view(id: string): ChannelView {
    const found = this.list().find((c) => c.id === id);
    if (!found) throw new AppError('NOT_FOUND', `no notification channel ${id.slice(0, 64)}`);
    return found;
  }

  private assertSealable(): void {
    if (!this.deps.sealer.configured)
      throw new AppError(
        'CONFLICT',
        'channels can be added from the API only when PODUP_NOTIFY_SECRET is set',
        {
          hint: 'set PODUP_NOTIFY_SECRET (it seals the channel URLs podup stores and signs the JSON webhook), or list the channel in PODUP_NOTIFY',
        },
      );
  }

  private parse(url: string) {
    const parsed = parseServiceUrl(url);
    if (!parsed.ok) throw new AppError('BAD_REQUEST', `url: ${parsed.problem}`);
    return parsed.target;
  }

  async add(input: ChannelInput & { url: string }, origin: Origin): Promise<ChannelView> {
    this.assertSealable();
    const target = this.parse(input.url);
    const now = this.deps.clock.now();
    const created = await this.write(origin, 201, (s) => {
      const c = s.channels.create({
        name: input.name?.trim() || defaultChannelName(target.kind, input.url),
        kind: target.kind,
        events: [...(input.events ?? target.events)],
        urlSealed: this.deps.sealer.seal(input.url),
        urlHint: redactServiceUrl(input.url),
        createdAt: now,
        updatedAt: now,
      });
      return { value: c.id, decided: { reason: `channel ${c.id} (${c.kind}) added` } };
    });
    return this.view(created);
  }

  /** Name, events or URL of a channel added from the API; those of PODUP_NOTIFY change in the configuration. */
  async update(id: string, input: ChannelInput, origin: Origin): Promise<ChannelView> {
    this.assertApiChannel(id);
    const target = input.url === undefined ? undefined : this.parse(input.url);
    if (target) this.assertSealable();
    const now = this.deps.clock.now();
    await this.write(origin, 200, (s) => {
      const updated = s.channels.update(id, {
        name: input.name?.trim() || undefined,
        events: input.events ? [...input.events] : target?.events,
        ...(target && input.url !== undefined
          ? {
              kind: target.kind,
              urlSealed: this.deps.sealer.seal(input.url),
              urlHint: redactServiceUrl(input.url),
            }
          : {}),
        updatedAt: now,
      });
      if (!updated) throw new AppError('NOT_FOUND', `no notification channel ${id.slice(0, 64)}`);
      return { value: undefined, decided: { reason: `channel ${id} changed` } };
    });
    // Deliveries that waited for a broken URL go out now.
    this.deps.queue.poke();
    return this.view(id);
  }

  /** Removes a channel added from the API; what it still had to deliver is dropped. */
  async remove(id: string, origin: Origin): Promise<void> {
    this.assertApiChannel(id);
    await this.write(origin, 204, (s) => {
      if (!s.channels.delete(id))
        throw new AppError('NOT_FOUND', `no notification channel ${id.slice(0, 64)}`);
      const dropped = s.outbox.dropChannel(id, this.deps.clock.now());
      return { value: undefined, decided: { reason: `channel ${id} removed (${dropped} pending dropped)` } };
    });
  }

  /** Queues a test message for one channel through the outbox; it is delivered like any other. */
  async test(id: string, origin: Origin): Promise<{ dedupKey: string }> {
    const channel = this.view(id);
    const now = this.deps.clock.now();
    const message = testMessage(channel.name, `${id}:${now}:${++this.tests}`, now, this.deps.links);
    await this.write(origin, 202, (s) => {
      this.deps.routing.enqueue(s, message, now, id);
      return { value: undefined, decided: { outcome: 'accepted', reason: `test queued for channel ${id}` } };
    });
    this.deps.queue.poke();
    return { dedupKey: message.dedupKey };
  }

  /** The dispatcher's lookup: where a channel is now (an edit applies to what is still queued). */
  channel(id: string): ChannelLookup {
    const configured = this.deps.routing.configured.find((c) => c.id === id);
    if (configured) return configured.target;
    const stored = this.deps.stores.channels.get(id);
    if (!stored) return { gone: true };
    const url = this.deps.sealer.open(stored.urlSealed);
    if (url === undefined)
      return { unreadable: 'the stored channel URL cannot be opened: was PODUP_NOTIFY_SECRET changed?' };
    const parsed = parseServiceUrl(url);
    return parsed.ok ? { ...parsed.target, events: stored.events } : { unreadable: parsed.problem };
  }

  private assertApiChannel(id: string): void {
    if (this.deps.routing.configured.some((c) => c.id === id))
      throw new AppError('CONFLICT', `channel ${id} comes from PODUP_NOTIFY: change it there`);
  }

  /** One unit of work with the request's event-log row. */
  private async write<T>(
    origin: Origin,
    status: number,
    op: (s: Stores) => { value: T; decided: AuditFields },
  ): Promise<T> {
    const now = this.deps.clock.now();
    const { value, decided } = await this.deps.writes.run((s) => {
      const r = op(s);
      if (origin.request) s.events.insert(decidedRow(origin.request, r.decided, status, now));
      return r;
    });
    recorded(origin.request, decided);
    return value;
  }
}
