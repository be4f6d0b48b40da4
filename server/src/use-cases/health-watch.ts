/**
 * "podup degraded": a /readyz part (database, D-Bus, Podman) failing for PODUP_NOTIFY_DEGRADED_AFTER is notified
 * once per episode. When an episode began and whether it was notified are kept in the state database, so a
 * restart (or a crash loop) in the middle of one does not notify it again; a part that answers again ends it.
 * Used by: podup serve (in the background)
 */
import { runChecks } from '../domain/health/readiness.js';
import { degradedMessage, type PanelLinks } from '../domain/notifications/message.js';
import type { NotificationRouting } from '../domain/notifications/routing.js';
import type { Clock, Log, NotificationQueue, Probes, Stores, UnitOfWork } from '../domain/ports/index.js';
import { isStorageFault } from '../errors.js';

interface Episode {
  since: number;
  notified: boolean;
}

const key = (part: string) => `degraded:${part}`;
const PROBE_TIMEOUT_MS = 5000;

export class HealthWatch {
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly deps: {
      probes: Probes;
      stores: Pick<Stores, 'meta' | 'channels'>;
      writes: UnitOfWork;
      clock: Clock;
      routing: NotificationRouting;
      links: PanelLinks;
      queue: NotificationQueue;
      log: Log;
      degradedAfterMs: number;
    },
  ) {}

  start(): void {
    const every = Math.min(30_000, Math.max(1000, this.deps.degradedAfterMs / 5));
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private episode(part: string): Episode | undefined {
    try {
      const raw = this.deps.stores.meta.get(key(part));
      return raw ? (JSON.parse(raw) as Episode) : undefined;
    } catch {
      return undefined;
    }
  }

  /** One look at every part; resolves once what it found is written. Nothing to notify: nothing is probed. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const { routing, stores } = this.deps;
      if (routing.configured.length === 0 && stores.channels.list().length === 0) return;
      const checks = await runChecks(this.deps.probes, PROBE_TIMEOUT_MS);
      const now = this.deps.clock.now();
      // What changed, decided before any write: an unchanged episode costs no commit (this runs every 30 s).
      const changes: Array<{ part: string; episode: Episode | null; notify?: string }> = [];
      for (const [part, result] of Object.entries(checks)) {
        const episode = this.episode(part);
        if (result.ok) {
          if (episode) changes.push({ part, episode: null });
        } else if (!episode) changes.push({ part, episode: { since: now, notified: false } });
        else if (!episode.notified && now - episode.since >= this.deps.degradedAfterMs)
          changes.push({ part, episode: { ...episode, notified: true }, notify: result.detail });
      }
      if (changes.length === 0) return;
      const queued = await this.deps.writes.run((s) => {
        let any = false;
        for (const c of changes) {
          if (c.notify !== undefined && c.episode) {
            const message = degradedMessage(c.part, c.notify, c.episode.since, now, this.deps.links);
            any = routing.enqueue(s, message, now) || any;
          }
          s.meta.set(key(c.part), c.episode ? JSON.stringify(c.episode) : '');
        }
        return any;
      });
      if (queued) this.deps.queue.poke();
    } catch (err) {
      // A failing database is one of the parts (logged by the stores): its episode is written once it recovers.
      if (!isStorageFault(err)) this.deps.log.warn({ err }, 'health watch could not record what it found');
    } finally {
      this.checking = false;
    }
  }
}
