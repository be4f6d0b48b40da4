/**
 * The event log's filters at scale: an index per filter the API offers (each ends in the rowid, so a filtered page
 * newest first is a range walk, not a scan of the log), and the rows written per minute, kept as they are written
 * so that the overview's "events in 24 h" does not count a million index entries. Not by a trigger: a statement
 * that writes two tables needs a statement journal, which copies every page the insert touches (measured: twice
 * the cost of the insert). docs/benchmarks.md.
 */
export default `
CREATE INDEX events_outcome ON events (outcome);
CREATE INDEX events_route ON events (route);
CREATE INDEX events_status ON events (status);
CREATE INDEX events_image ON events (image) WHERE image IS NOT NULL;
CREATE INDEX events_event ON events (event) WHERE event IS NOT NULL;

-- Rows written per minute (ts / 60000), kept by the event store as it writes a row (db/event-store.ts);
-- deleting events does not lower it (retention removes old minutes).
CREATE TABLE event_counts (
  minute INTEGER PRIMARY KEY,
  rows   INTEGER NOT NULL
);
INSERT INTO event_counts (minute, rows) SELECT CAST(ts / 60000 AS INTEGER) AS m, count(*) FROM events GROUP BY m;
`;
