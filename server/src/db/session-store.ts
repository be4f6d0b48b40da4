/**
 * Task-panel sessions. Only a hash of the session id is stored (a copied database grants nothing), with a
 * fingerprint of the admin token it was opened with: changing PODUP_ADMIN_TOKEN ends every session.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { SessionRow, SessionStore } from '../domain/ports/index.js';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export const tokenPrint = (adminToken: string): string => sha256(`podup-admin:${adminToken}`).slice(0, 16);

export class SqliteSessionStore implements SessionStore {
  constructor(private readonly db: Database) {}

  /** Opens a session; returns the id for the cookie (only its hash is stored). */
  create(
    adminToken: string,
    user: string | null,
    now: number,
    ttlMs: number,
  ): { id: string; csrfToken: string } {
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    this.db
      .prepare(
        'INSERT INTO sessions (id_hash, csrf_token, token_print, user, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(sha256(id), csrfToken, tokenPrint(adminToken), user, now, now + ttlMs);
    return { id, csrfToken };
  }

  /** The live session for a cookie value, or undefined (unknown, expired, or opened with another token). */
  find(id: string, adminToken: string, now: number): SessionRow | undefined {
    const row = this.db
      .prepare(
        'SELECT csrf_token AS csrfToken, user, expires_at AS expiresAt, token_print AS print FROM sessions WHERE id_hash = ?',
      )
      .get(sha256(id)) as (SessionRow & { print: string }) | undefined;
    if (!row || row.expiresAt <= now || row.print !== tokenPrint(adminToken)) return undefined;
    return { csrfToken: row.csrfToken, user: row.user, expiresAt: row.expiresAt };
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sha256(id));
  }
}
