/**
 * Notifications. Channels added from the API (their URLs sealed with a key from PODUP_NOTIFY_SECRET; those of
 * PODUP_NOTIFY stay in the configuration); the outbox: a message per state change (unique dedup key, written in
 * the transaction of the change) and a delivery per channel that the worker retries with backoff, leased so
 * that two podup processes never send the same one at once.
 */
export default `
CREATE TABLE notify_channels (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  events      TEXT NOT NULL,
  url_sealed  TEXT NOT NULL,
  url_hint    TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE notifications (
  id         INTEGER PRIMARY KEY,
  dedup_key  TEXT NOT NULL UNIQUE,
  event      TEXT NOT NULL,
  message    TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX notifications_created ON notifications (created_at);

CREATE TABLE notify_deliveries (
  notification_id INTEGER NOT NULL,
  channel_id      TEXT NOT NULL,
  status          TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_at         INTEGER NOT NULL,
  lease_owner     TEXT,
  lease_until     INTEGER,
  last_error      TEXT,
  last_status     INTEGER,
  updated_at      INTEGER NOT NULL,
  delivered_at    INTEGER,
  PRIMARY KEY (notification_id, channel_id)
) WITHOUT ROWID;
CREATE INDEX notify_deliveries_due ON notify_deliveries (next_at) WHERE status = 'pending';
CREATE INDEX notify_deliveries_channel ON notify_deliveries (channel_id, notification_id);
`;
