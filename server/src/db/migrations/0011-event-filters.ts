/**
 * The event log's filters at scale, without slowing the intake. An index per filter column on events itself
 * would be written by every delivery, and the image index at a different page per image: with them and the
 * per-minute count written in the insert, the insert alone took 39-44 µs of CPU instead of 17-26
 * (docs/benchmarks.md). So the filter columns are copied into event_facets by
 * the server's housekeeping every few seconds, in id order and in bulk, and indexed there (each index ends in
 * the id: a filtered page newest first is one range walk joined to events). Rows not copied yet, the last few
 * seconds, are read from events directly (db/event-store.ts). The same pass counts the rows per minute for the
 * overview's "events in 24 h".
 */
export default `
CREATE TABLE event_facets (
  id      INTEGER PRIMARY KEY,  -- events.id; the largest is how far the copy has got
  outcome TEXT NOT NULL,
  route   TEXT NOT NULL,
  status  INTEGER NOT NULL,
  event   TEXT,
  image   TEXT
);
CREATE INDEX event_facets_outcome ON event_facets (outcome);
CREATE INDEX event_facets_route ON event_facets (route);
CREATE INDEX event_facets_status ON event_facets (status);
CREATE INDEX event_facets_event ON event_facets (event) WHERE event IS NOT NULL;
CREATE INDEX event_facets_image ON event_facets (image) WHERE image IS NOT NULL;
INSERT INTO event_facets (id, outcome, route, status, event, image)
  SELECT id, outcome, route, status, event, image FROM events ORDER BY id;

-- Rows per minute (ts / 60000) of the events copied into event_facets; deleting events does not lower it
-- (retention removes old minutes).
CREATE TABLE event_counts (
  minute INTEGER PRIMARY KEY,
  rows   INTEGER NOT NULL
);
INSERT INTO event_counts (minute, rows) SELECT CAST(ts / 60000 AS INTEGER) AS m, count(*) FROM events GROUP BY m;
`;
