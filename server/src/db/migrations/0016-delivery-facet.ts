/**
 * The event log's "deliveries only" view (contract/traffic.ts) gets an index like the other filters: each row
 * copied into event_facets says whether it is a delivery (db/event-store.ts copyFacets), and a partial index
 * holds the deliveries, so the view reads a page of them however much panel traffic and probes lie between.
 * The rows copied before are marked here with the rule as it stands (the same as migration 0014's).
 */
export default `
ALTER TABLE event_facets ADD COLUMN delivery INTEGER NOT NULL DEFAULT 0;
UPDATE event_facets SET delivery = 1 WHERE id IN (
  SELECT id FROM events
  WHERE id <= (SELECT coalesce(max(id), 0) FROM event_facets)
    AND (substr(route, 1, 10) = '/webhooks/' OR substr(route, 1, 22) = '/github-package-update'
      OR (route NOT IN ('/healthz', '/readyz') AND substr(route, 1, 12) <> '/api/session' AND method NOT IN ('GET', 'HEAD')))
);
CREATE INDEX event_facets_deliveries ON event_facets (id) WHERE delivery = 1;
`;
