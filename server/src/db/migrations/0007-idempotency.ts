/**
 * Idempotency-Key of task-creating POSTs: per credential and key, what the first request was (a fingerprint of
 * its method, route and body) and what it answered, written in the unit of work that created the task, so a
 * retried call gets the first answer and creates nothing new. Kept a day (retention).
 */
export default `
CREATE TABLE idempotency_keys (
  actor       TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  result      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (actor, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
`;
