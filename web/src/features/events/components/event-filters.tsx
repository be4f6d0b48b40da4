import { useId, useState } from 'react';
import { useDebouncedCallback } from '@/lib/use-debounced-callback';
import { EVENT_OUTCOMES, type EventFilters } from '../api/get-events';

export const TIME_PRESETS = [
  { value: '', label: 'Any time' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom range' },
] as const;

const isPreset = (since: string | undefined): boolean =>
  !since || TIME_PRESETS.some((p) => p.value === since && p.value !== 'custom');

/** datetime-local value (local time) <-> ISO time for the API. */
const toIso = (local: string): string | undefined => {
  if (!local) return undefined;
  const t = new Date(local);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
};
const toLocal = (iso: string | undefined): string => {
  if (!iso) return '';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '';
  const off = t.getTimezoneOffset() * 60_000;
  return new Date(t.getTime() - off).toISOString().slice(0, 16);
};

export function EventFiltersBar({
  value,
  onChange,
}: {
  value: EventFilters;
  onChange: (f: EventFilters) => void;
}) {
  const id = useId();
  const [route, setRoute] = useState(value.route ?? '');
  const [eventType, setEventType] = useState(value.event ?? '');
  // When the URL changes from elsewhere (back button), the fields follow it.
  const [seen, setSeen] = useState({ route: value.route, event: value.event });
  if (seen.route !== value.route || seen.event !== value.event) {
    setSeen({ route: value.route, event: value.event });
    if ((value.route ?? '') !== route.trim()) setRoute(value.route ?? '');
    if ((value.event ?? '') !== eventType.trim()) setEventType(value.event ?? '');
  }
  const [custom, setCustom] = useState(!isPreset(value.since) || Boolean(value.until));
  const later = useDebouncedCallback(
    (patch: Pick<EventFilters, 'route' | 'event'>) => onChange({ ...value, ...patch }),
    300,
  );

  return (
    <form className="filters" role="search" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={`${id}-route`}>Route</label>
        <input
          id={`${id}-route`}
          type="text"
          placeholder="/webhooks/github"
          value={route}
          onChange={(e) => {
            setRoute(e.target.value);
            later({ event: eventType || undefined, route: e.target.value || undefined });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-outcome`}>Outcome</label>
        <select
          id={`${id}-outcome`}
          value={value.outcome ?? ''}
          onChange={(e) => onChange({ ...value, outcome: e.target.value || undefined })}
        >
          <option value="">Any outcome</option>
          {EVENT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-event`}>Event type</label>
        <input
          id={`${id}-event`}
          type="text"
          list={`${id}-event-types`}
          placeholder="package"
          value={eventType}
          onChange={(e) => {
            setEventType(e.target.value);
            later({ route: route || undefined, event: e.target.value || undefined });
          }}
        />
        <datalist id={`${id}-event-types`}>
          <option value="package" />
          <option value="registry_package" />
          <option value="ping" />
        </datalist>
      </div>
      <div className="field">
        <label htmlFor={`${id}-time`}>Time</label>
        <select
          id={`${id}-time`}
          value={custom ? 'custom' : (value.since ?? '')}
          onChange={(e) => {
            const v = e.target.value;
            if (v === 'custom') {
              setCustom(true);
              return;
            }
            setCustom(false);
            onChange({ ...value, since: v || undefined, until: undefined });
          }}
        >
          {TIME_PRESETS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      {custom && (
        <>
          <div className="field">
            <label htmlFor={`${id}-since`}>From</label>
            <input
              id={`${id}-since`}
              type="datetime-local"
              defaultValue={isPreset(value.since) ? '' : toLocal(value.since)}
              onChange={(e) => onChange({ ...value, since: toIso(e.target.value) })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-until`}>To</label>
            <input
              id={`${id}-until`}
              type="datetime-local"
              defaultValue={toLocal(value.until)}
              onChange={(e) => onChange({ ...value, until: toIso(e.target.value) })}
            />
          </div>
        </>
      )}
    </form>
  );
}
