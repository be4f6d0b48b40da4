/** Event log, delivery dedupe, tasks and persisted rate-limit state. Times are unix milliseconds. */
export default `
CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  ts          INTEGER NOT NULL,
  request_id  TEXT NOT NULL,
  route       TEXT NOT NULL,
  method      TEXT NOT NULL,
  status      INTEGER NOT NULL,
  delivery    TEXT,
  event       TEXT,
  action      TEXT,
  image       TEXT,
  outcome     TEXT NOT NULL,
  reason      TEXT,
  task_id     TEXT,
  source      TEXT,
  duration_ms REAL
);
CREATE INDEX events_ts ON events (ts);
CREATE INDEX events_delivery ON events (delivery) WHERE delivery IS NOT NULL;
CREATE INDEX events_task ON events (task_id) WHERE task_id IS NOT NULL;

CREATE TABLE deliveries (
  delivery    TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL,
  event       TEXT NOT NULL,
  action      TEXT,
  image       TEXT,
  outcome     TEXT NOT NULL,
  reason      TEXT,
  task_id     TEXT
) WITHOUT ROWID;
CREATE INDEX deliveries_received ON deliveries (received_at);

CREATE TABLE tasks (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  status      TEXT NOT NULL,
  image       TEXT,
  units       TEXT,
  trigger     TEXT NOT NULL,
  delivery    TEXT,
  caller      TEXT,
  reason      TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  started_at  INTEGER,
  finished_at INTEGER
) WITHOUT ROWID;
CREATE INDEX tasks_status ON tasks (status, created_at);
-- (image, created_at) serves findQueued's WHERE and ORDER BY; with (image) alone SQLite chose tasks_status
-- and scanned every queued task (docs/benchmarks.md).
CREATE INDEX tasks_image_queued ON tasks (image, created_at) WHERE status = 'queued';
CREATE INDEX tasks_created ON tasks (created_at);

CREATE TABLE rate_limits (
  scope TEXT NOT NULL,
  key   TEXT NOT NULL,
  tat   INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
`;
