import type { TaskFilters } from '../api/get-tasks';

/** The original system's task categories, each a server-side filter (trigger, or kind for maintenance). */
export const TASK_CATEGORIES = [
  { id: 'all', label: 'All', filter: {} },
  { id: 'manual', label: 'Manual', filter: { trigger: 'api,cli,retry' } },
  { id: 'webhook', label: 'Webhook', filter: { trigger: 'webhook' } },
  // The scheduler's updates and checks; its prunes are Maintenance.
  { id: 'automatic', label: 'Automatic', filter: { trigger: 'scheduler', kind: 'image-update,unit-update' } },
  { id: 'maintenance', label: 'Maintenance', filter: { kind: 'maintenance' } },
] as const satisfies ReadonlyArray<{
  id: string;
  label: string;
  filter: Pick<TaskFilters, 'trigger' | 'kind'>;
}>;

export type TaskCategory = (typeof TASK_CATEGORIES)[number]['id'];

export function TaskCategories({
  value,
  onChange,
}: {
  value: TaskCategory;
  onChange: (c: TaskCategory) => void;
}) {
  return (
    <div className="chips" role="group" aria-label="Task category">
      {TASK_CATEGORIES.map((c) => (
        <button
          key={c.id}
          type="button"
          className={`chip${c.id === value ? ' chip-on' : ''}`}
          aria-pressed={c.id === value}
          onClick={() => onChange(c.id)}
        >
          {c.label}
        </button>
      ))}
    </div>
  );
}
