import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/button';
import { EmptyState } from '@/components/empty-state';
import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { paths } from '@/config/paths';
import { useEvents, type EventFilters } from '@/features/events/api/get-events';
import { EventFiltersBar } from '@/features/events/components/event-filters';
import { EventsTable } from '@/features/events/components/events-table';
import { eventsToCsv, eventsToJson } from '@/features/events/components/export';
import { downloadText } from '@/lib/download';

const FILTER_KEYS = ['route', 'outcome', 'event', 'image', 'delivery', 'task', 'since', 'until'] as const;

export function EventsRoute() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<EventFilters>(
    () => Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined])),
    [params],
  );
  // Deliveries by default (the server filters, so every page is full); the panel's own and health traffic on
  // request (`?traffic=all`).
  const allTraffic = params.get('traffic') === 'all';
  const events = useEvents({ ...filters, traffic: allTraffic ? 'all' : 'deliveries' });
  const rows = useMemo(() => events.data?.pages.flatMap((p) => p.events) ?? [], [events.data]);
  const filtered = FILTER_KEYS.some((k) => filters[k]);
  const setAllTraffic = (on: boolean) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (on) next.set('traffic', 'all');
        else next.delete('traffic');
        return next;
      },
      { replace: true },
    );

  const setFilters = (f: EventFilters) =>
    setParams(
      () => {
        const next = new URLSearchParams();
        for (const k of FILTER_KEYS) {
          const v = f[k]?.trim();
          if (v) next.set(k, v);
        }
        if (allTraffic) next.set('traffic', 'all');
        return next;
      },
      { replace: true },
    );
  const stamp = () => new Date().toISOString().replaceAll(':', '-').slice(0, 19);

  return (
    <>
      <div className="page-head">
        <h1>Events</h1>
        <span className="spacer" />
        <Button
          size="sm"
          disabled={rows.length === 0}
          onClick={() => downloadText(`podup-events-${stamp()}.csv`, eventsToCsv(rows), 'text/csv')}
        >
          Export CSV
        </Button>
        <Button
          size="sm"
          disabled={rows.length === 0}
          onClick={() => downloadText(`podup-events-${stamp()}.json`, eventsToJson(rows), 'application/json')}
        >
          Export JSON
        </Button>
      </div>
      <EventFiltersBar value={filters} onChange={setFilters} />
      <label className="small toggle-line">
        <input type="checkbox" checked={allTraffic} onChange={(e) => setAllTraffic(e.target.checked)} /> Show
        panel and health traffic
      </label>
      {filters.task && (
        <p className="small">
          Events of task <code>{filters.task}</code>.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => setFilters({ ...filters, task: undefined })}
          >
            Show all
          </button>
        </p>
      )}
      {events.isPending && <Loading label="Loading events…" />}
      {events.isError && (
        <ErrorMessage
          error={events.error}
          title="Could not load events"
          onRetry={() => void events.refetch()}
        />
      )}
      {events.isSuccess && rows.length === 0 && (
        <EmptyState
          title={
            filtered ? 'No event matches these filters' : allTraffic ? 'No events yet' : 'No deliveries yet'
          }
        >
          {filtered
            ? 'Widen the time range or clear a filter.'
            : 'Every delivery to podup (webhooks, API calls) is recorded here.'}
        </EmptyState>
      )}
      {rows.length > 0 && (
        <>
          <EventsTable events={rows} taskHref={paths.task} />
          <div className="list-foot">
            <span className="muted small" role="status">
              {rows.length} event{rows.length === 1 ? '' : 's'} shown (exports include exactly these)
            </span>
            {events.hasNextPage && (
              <Button busy={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
                Load more
              </Button>
            )}
          </div>
        </>
      )}
    </>
  );
}
