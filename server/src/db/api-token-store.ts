/**
 * API tokens. The plain text is made here and handed out once; the table keeps its SHA-256 only, so a copied
 * database or backup grants nothing. Tokens are 32 random bytes: a fast hash is enough (no password to guess).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { TOKEN_PREFIX, type Scope } from '../domain/auth/grant.js';
import type { ApiTokenRecord, ApiTokenStore, NewApiToken } from '../domain/ports/index.js';
import { AppError } from '../errors.js';

const hashOf = (plain: string): string => createHash('sha256').update(plain).digest('hex');

interface TokenDbRow {
  name: string;
  scopes: string;
  units: string;
  created_at: number;
  created_by: string | null;
  expires_at: number | null;
  last_used_at: number | null;
  last_used_from: string | null;
}

const fromDb = (r: TokenDbRow): ApiTokenRecord => ({
  name: r.name,
  scopes: JSON.parse(r.scopes) as Scope[],
  units: JSON.parse(r.units) as string[],
  createdAt: r.created_at,
  createdBy: r.created_by,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  lastUsedFrom: r.last_used_from,
});

const COLUMNS = 'name, scopes, units, created_at, created_by, expires_at, last_used_at, last_used_from';

export class SqliteApiTokenStore implements ApiTokenStore {
  private readonly byHash: Statement;
  private readonly byName: Statement;

  constructor(private readonly db: Database) {
    this.byHash = db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE token_hash = ?`);
    this.byName = db.prepare(`SELECT ${COLUMNS} FROM api_tokens WHERE name = ?`);
  }

  create(token: NewApiToken, now: number): { token: string; record: ApiTokenRecord } {
    const exists = this.db.prepare('SELECT 1 FROM api_tokens WHERE name = ?').get(token.name);
    if (exists) throw new AppError('CONFLICT', `a token named ${token.name} exists; revoke it first`);
    const plain = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    this.db
      .prepare(
        `INSERT INTO api_tokens (name, token_hash, scopes, units, created_at, created_by, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        token.name,
        hashOf(plain),
        JSON.stringify(token.scopes),
        JSON.stringify(token.units),
        now,
        token.createdBy,
        token.expiresAt,
      );
    return {
      token: plain,
      record: { ...token, createdAt: now, lastUsedAt: null, lastUsedFrom: null },
    };
  }

  find(plain: string): ApiTokenRecord | undefined {
    const row = this.byHash.get(hashOf(plain)) as TokenDbRow | undefined;
    return row && fromDb(row);
  }

  get(name: string): ApiTokenRecord | undefined {
    const row = this.byName.get(name) as TokenDbRow | undefined;
    return row && fromDb(row);
  }

  list(): ApiTokenRecord[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM api_tokens ORDER BY name`).all() as TokenDbRow[]).map(
      fromDb,
    );
  }

  revoke(name: string): boolean {
    return this.db.prepare('DELETE FROM api_tokens WHERE name = ?').run(name).changes === 1;
  }

  used(name: string, at: number, from: string | null): void {
    this.db
      .prepare('UPDATE api_tokens SET last_used_at = ?, last_used_from = ? WHERE name = ?')
      .run(at, from, name);
  }
}
