/** Browser sessions of the task panel (cookie), and small server-wide values (the CSRF key). */
export default `
CREATE TABLE sessions (
  id_hash     TEXT PRIMARY KEY,
  csrf_token  TEXT NOT NULL,
  token_print TEXT NOT NULL,
  user        TEXT,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;
