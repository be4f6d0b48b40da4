import { useId, useState } from 'react';
import { useDebouncedCallback } from '@/lib/use-debounced-callback';
import { TASK_STATUSES } from '@/lib/format';
import type { TaskFilters } from '../api/get-tasks';
import { statusLabel } from './task-status-badge';

export const TASK_KINDS = ['image-update', 'unit-update', 'maintenance'] as const;

/** Status, kind, unit and free text; text fields apply 300 ms after the last key stroke. */
export function TaskFiltersBar({
  value,
  onChange,
}: {
  value: TaskFilters;
  onChange: (next: TaskFilters) => void;
}) {
  const id = useId();
  const [unit, setUnit] = useState(value.unit ?? '');
  const [q, setQ] = useState(value.q ?? '');
  // When the URL changes from elsewhere (Clear filters, back button), the fields follow it.
  const [seen, setSeen] = useState({ unit: value.unit, q: value.q });
  if (seen.unit !== value.unit || seen.q !== value.q) {
    setSeen({ unit: value.unit, q: value.q });
    if ((value.unit ?? '') !== unit.trim()) setUnit(value.unit ?? '');
    if ((value.q ?? '') !== q.trim()) setQ(value.q ?? '');
  }
  const later = useDebouncedCallback(
    (patch: Pick<TaskFilters, 'q' | 'unit'>) => onChange({ ...value, ...patch }),
    300,
  );

  return (
    <form className="filters" role="search" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
      <div className="field field-grow">
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="id, image, unit, caller, reason…"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            later({ unit, q: e.target.value });
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-status`}>Status</label>
        <select
          id={`${id}-status`}
          value={value.status ?? ''}
          onChange={(e) => onChange({ ...value, unit, q, status: e.target.value || undefined })}
        >
          <option value="">Any status</option>
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select
          id={`${id}-kind`}
          // A category's several kinds (Automatic) are not one of the choices here.
          value={TASK_KINDS.some((k) => k === value.kind) ? value.kind : ''}
          onChange={(e) => onChange({ ...value, unit, q, kind: e.target.value || undefined })}
        >
          <option value="">Any kind</option>
          {TASK_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-unit`}>Unit</label>
        <input
          id={`${id}-unit`}
          type="text"
          placeholder="app.service"
          value={unit}
          onChange={(e) => {
            setUnit(e.target.value);
            later({ q, unit: e.target.value });
          }}
        />
      </div>
    </form>
  );
}
