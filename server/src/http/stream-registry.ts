/**
 * The long-lived responses (task-log streams) that are open, by the credential that opened them: a cap per
 * credential (a session, the admin token, an API token, a ForwardAuth user, or the address when the admin API
 * is open),
 * and the end of a credential's streams when it ends (sign-out, an API token revoked), or of all of them when
 * podup shuts down.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/** What a client may wait before trying again: streams end whenever a drawer closes. */
const RETRY_AFTER_SEC = 5;

export type StreamEnd = (reason: string) => void;

/** The credential a request's streams count against; the admin guard set request.auth. */
export function streamCredential(request: FastifyRequest): string {
  const { method, user, session } = request.auth;
  if (method === 'cookie' && session) return sessionCredential(session.id);
  if (method === 'forward-auth') return `forward-auth:${user ?? ''}`;
  if (method === 'bearer') return 'bearer';
  if (method === 'token') return tokenCredential(user ?? '');
  return `address:${request.ip}`;
}

export const sessionCredential = (sessionId: string): string => `session:${sessionId}`;
export const tokenCredential = (tokenName: string): string => `token:${tokenName}`;

export class StreamRegistry {
  private readonly open = new Map<string, Set<StreamEnd>>();

  constructor(private readonly perCredential: number) {}

  /** Streams open now, in all. */
  get size(): number {
    let n = 0;
    for (const ends of this.open.values()) n += ends.size;
    return n;
  }

  /**
   * Counts a stream of `credential`, to be ended through `end`; returns its release. Throws RATE_LIMITED when
   * the credential has its share open.
   */
  admit(credential: string, end: StreamEnd): () => void {
    const ends = this.open.get(credential) ?? new Set<StreamEnd>();
    if (ends.size >= this.perCredential) {
      throw new AppError(
        'RATE_LIMITED',
        `${this.perCredential} task-log streams are open with this credential already; close one first`,
        { retryAfterSec: RETRY_AFTER_SEC },
      );
    }
    ends.add(end);
    this.open.set(credential, ends);
    return () => {
      ends.delete(end);
      if (ends.size === 0 && this.open.get(credential) === ends) this.open.delete(credential);
    };
  }

  /** Ends every stream of `credential` (each releases itself). */
  endAll(credential: string, reason: string): void {
    for (const end of [...(this.open.get(credential) ?? [])]) end(reason);
  }

  /** Ends every stream (shutdown). */
  endEverything(reason: string): void {
    for (const credential of [...this.open.keys()]) this.endAll(credential, reason);
  }
}
