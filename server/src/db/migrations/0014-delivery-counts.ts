/**
 * The overview's counter is of deliveries (webhooks and API calls that ask for something; contract/traffic.ts),
 * not of every row: the per-minute counts gain the deliveries among their rows, counted by the same pass that
 * copies the filter columns (db/event-store.ts). The minutes of the last day already counted are counted again
 * from their events here; older minutes only matter to nothing that reads them.
 */
export default `
ALTER TABLE event_counts ADD COLUMN deliveries INTEGER NOT NULL DEFAULT 0;
UPDATE event_counts SET deliveries = (
  SELECT count(*) FROM events
  WHERE ts >= event_counts.minute * 60000 AND ts < (event_counts.minute + 1) * 60000
    AND id <= (SELECT coalesce(max(id), 0) FROM event_facets)
    AND (route LIKE '/webhooks/%' OR route LIKE '/github-package-update%'
      OR (route NOT IN ('/healthz', '/readyz') AND route NOT LIKE '/api/session%' AND method NOT IN ('GET', 'HEAD')))
)
WHERE minute >= (SELECT coalesce(max(minute), 0) FROM event_counts) - 1440;
`;
