/**
 * API tokens for bots (only a SHA-256 of each is stored: the token is 32 random bytes, so a slow hash would add
 * nothing), and who acted on each task and event row: the credential, not a name the request made up.
 */
export default `
CREATE TABLE api_tokens (
  name           TEXT PRIMARY KEY,
  token_hash     TEXT NOT NULL UNIQUE,
  scopes         TEXT NOT NULL,
  units          TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  created_by     TEXT,
  expires_at     INTEGER,
  last_used_at   INTEGER,
  last_used_from TEXT
) WITHOUT ROWID;

ALTER TABLE tasks ADD COLUMN actor TEXT;
ALTER TABLE events ADD COLUMN actor TEXT;
`;
