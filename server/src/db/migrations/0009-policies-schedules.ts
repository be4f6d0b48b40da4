/**
 * Update policies and the scheduler: the policy fields of tasks (the digest a decision was about, --force,
 * approval expiry and approver), the podup.* labels of units, runtime policy overrides with snoozes, skipped
 * versions, when each digest was first seen (the cooldown's clock), the last check per unit, and the schedules.
 */
export default `
ALTER TABLE tasks ADD COLUMN digest TEXT;
ALTER TABLE tasks ADD COLUMN force INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN expires_at INTEGER;
ALTER TABLE tasks ADD COLUMN approved_by TEXT;
CREATE INDEX tasks_waiting ON tasks (status, not_before) WHERE status IN ('awaiting-approval', 'deferred');

ALTER TABLE units ADD COLUMN podup_labels TEXT NOT NULL DEFAULT '{}';

CREATE TABLE unit_policies (
  unit          TEXT PRIMARY KEY,
  policy        TEXT,
  min_age_ms    INTEGER,
  windows       TEXT,
  snoozed_until INTEGER,
  updated_by    TEXT NOT NULL,
  updated_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE skipped_versions (
  unit       TEXT NOT NULL,
  digest     TEXT NOT NULL,
  skipped_by TEXT NOT NULL,
  skipped_at INTEGER NOT NULL,
  PRIMARY KEY (unit, digest)
) WITHOUT ROWID;

CREATE TABLE digests (
  image      TEXT NOT NULL,
  digest     TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  created    INTEGER,
  PRIMARY KEY (image, digest)
) WITHOUT ROWID;

CREATE TABLE unit_checks (
  unit       TEXT PRIMARY KEY,
  image      TEXT,
  status     TEXT NOT NULL,
  digest     TEXT,
  first_seen INTEGER,
  verdict    TEXT,
  reason     TEXT,
  checked_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE schedules (
  name            TEXT PRIMARY KEY,
  cron            TEXT NOT NULL,
  zone            TEXT NOT NULL,
  action          TEXT NOT NULL,
  units           TEXT,
  random_delay_ms INTEGER NOT NULL DEFAULT 0,
  paused          INTEGER NOT NULL DEFAULT 0,
  next_run_at     INTEGER,
  running_since   INTEGER,
  running_owner   TEXT,
  last_run_at     INTEGER,
  last_status     TEXT,
  last_summary    TEXT,
  last_task_id    TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
) WITHOUT ROWID;
`;
