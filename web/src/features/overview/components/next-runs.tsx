import type { Overview } from '@contract';
import { EmptyState } from '@/components/empty-state';
import { formatIn, formatTime } from '@/lib/format';

/** The schedules that run next, each with a countdown (the exact time in the tooltip). */
export function NextRuns({ runs, now }: { runs: Overview['nextRuns']; now: number }) {
  if (runs.length === 0)
    return (
      <EmptyState title="No schedule is set">
        Without a schedule podup updates only when GitHub calls or you ask it to.
      </EmptyState>
    );
  return (
    <ul className="task-feed">
      {runs.map((r) => (
        <li key={r.name}>
          <strong>{r.name}</strong>
          <span className="muted small">{r.action}</span>
          <time className="small" dateTime={r.nextRunAt} title={formatTime(r.nextRunAt)}>
            {formatIn(r.nextRunAt, now)}
          </time>
        </li>
      ))}
    </ul>
  );
}
