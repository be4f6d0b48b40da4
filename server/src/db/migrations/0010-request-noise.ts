/**
 * Requests that leave no row of their own. Reads that succeed (health probes, the panel's files and polling) are
 * counted per route, status and minute (rolled up into hours after a day); rejections are folded into one event
 * row per source, route, status and minute whose `count` says how many requests it stands for. Anyone can send
 * those without a credential, so neither may cost a row each.
 */
export default `
-- NULL: the row is one request, recorded on its own. A number: the rejections this row folds.
ALTER TABLE events ADD COLUMN count INTEGER;
-- The folded rows, oldest first: what the size cap drops before any event recorded on its own.
CREATE INDEX events_folded ON events (ts) WHERE count IS NOT NULL;

CREATE TABLE request_counts (
  bucket INTEGER NOT NULL,  -- start of the minute or hour, unix ms
  span   INTEGER NOT NULL,  -- 60000 (a minute) or 3600000 (an hour)
  route  TEXT NOT NULL,
  method TEXT NOT NULL,
  status INTEGER NOT NULL,
  count  INTEGER NOT NULL,
  PRIMARY KEY (bucket, span, route, method, status)
) WITHOUT ROWID;
`;
