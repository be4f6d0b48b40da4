/**
 * The update engine: task scheduling columns, per-unit results, task logs, unit leases (per-unit
 * serialisation that survives crashes through expiry) and the discovered units (the allow-list).
 */
export default `
ALTER TABLE tasks ADD COLUMN not_before INTEGER;
ALTER TABLE tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN summary TEXT;
ALTER TABLE tasks ADD COLUMN retry_of TEXT;
ALTER TABLE tasks ADD COLUMN lease_owner TEXT;
ALTER TABLE tasks ADD COLUMN lease_expires INTEGER;
ALTER TABLE tasks ADD COLUMN stop_requested TEXT;
CREATE INDEX tasks_runnable ON tasks (created_at) WHERE status = 'queued';
CREATE INDEX tasks_running ON tasks (lease_expires) WHERE status = 'running';

CREATE TABLE task_units (
  task_id         TEXT NOT NULL,
  unit            TEXT NOT NULL,
  status          TEXT NOT NULL,
  image           TEXT,
  digest_before   TEXT,
  digest_after    TEXT,
  image_id_before TEXT,
  image_id_after  TEXT,
  reason          TEXT,
  started_at      INTEGER,
  finished_at     INTEGER,
  PRIMARY KEY (task_id, unit)
) WITHOUT ROWID;
CREATE INDEX task_units_unit ON task_units (unit, task_id);

CREATE TABLE task_logs (
  id          INTEGER PRIMARY KEY,
  task_id     TEXT NOT NULL,
  ts          INTEGER NOT NULL,
  level       TEXT NOT NULL,
  step        TEXT NOT NULL,
  unit        TEXT,
  message     TEXT NOT NULL,
  duration_ms REAL
);
CREATE INDEX task_logs_task ON task_logs (task_id, id);

CREATE TABLE unit_leases (
  unit       TEXT PRIMARY KEY,
  task_id    TEXT NOT NULL,
  owner      TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE units (
  unit            TEXT PRIMARY KEY,
  image           TEXT,
  image_key       TEXT,
  pinned          INTEGER NOT NULL DEFAULT 0,
  sources         TEXT NOT NULL,
  policy          TEXT,
  container_id    TEXT,
  image_id        TEXT,
  running_digest  TEXT,
  container_state TEXT,
  problems        TEXT NOT NULL DEFAULT '[]',
  present         INTEGER NOT NULL DEFAULT 1,
  first_seen      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX units_image_key ON units (image_key) WHERE present = 1;
`;
