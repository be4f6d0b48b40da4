/**
 * Things the server saw that the operator should fix, kept for `podup doctor` (which runs in another process):
 * today, requests forwarded by a reverse proxy podup does not trust (PODUP_TRUST_PROXY unset or without it),
 * which makes every client look like the proxy to the failure limiter and the event log.
 */
import type { Clock, Stores, UnitOfWork } from '../domain/ports/index.js';

const UNTRUSTED_PROXY = 'notice:untrusted-forwarded-for';
/** One write per this interval at most, however many requests arrive. */
const RECORD_EVERY_MS = 60_000;

export interface UntrustedProxyNotice {
  /** The peer that sent X-Forwarded-For. */
  peer: string;
  /** Last seen (unix ms). */
  at: number;
}

export class NoticeService {
  private lastRecorded = 0;

  constructor(private readonly deps: { stores: Pick<Stores, 'meta'>; writes: UnitOfWork; clock: Clock }) {}

  /** A request from `peer` carried X-Forwarded-For that podup did not trust. */
  forwardedByUntrustedPeer(peer: string): void {
    const now = this.deps.clock.now();
    if (now - this.lastRecorded < RECORD_EVERY_MS) return;
    this.lastRecorded = now;
    const notice: UntrustedProxyNotice = { peer, at: now };
    // Best effort: a lost notice costs nothing but a line in doctor.
    this.deps.writes.run((s) => s.meta.set(UNTRUSTED_PROXY, JSON.stringify(notice))).catch(() => undefined);
  }

  untrustedProxy(): UntrustedProxyNotice | undefined {
    const raw = this.deps.stores.meta.get(UNTRUSTED_PROXY);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as UntrustedProxyNotice;
    } catch {
      return undefined;
    }
  }
}
