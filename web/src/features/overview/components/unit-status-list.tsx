import { Link } from 'react-router';
import type { Overview } from '@contract';
import { EmptyState } from '@/components/empty-state';
import { StatusDot, taskStatusLabel } from '@/components/status-badge';
import { paths } from '@/config/paths';
import { formatAgo, toneOf } from '@/lib/format';

/** One line per unit: a dot (green succeeded, red failed, amber anything else, grey never updated). */
export function UnitStatusList({ units, now }: { units: Overview['units']; now: number }) {
  if (units.length === 0)
    return (
      <EmptyState title="No units yet">
        podup has not found any unit to update. Units come from Quadlet files and containers labelled{' '}
        <code>io.containers.autoupdate</code>; see <Link to={paths.settings}>Settings</Link>.
      </EmptyState>
    );
  return (
    <ul className="unit-list">
      {units.map((u) => {
        const label = u.lastStatus ? `last update ${u.lastStatus}` : 'never updated';
        return (
          <li key={u.unit} className="unit-line">
            <StatusDot tone={toneOf(u.lastStatus)} label={label} />
            <span className="unit-name">{u.unit}</span>
            <span className="muted small unit-image">{u.image ?? 'no image'}</span>
            <span className="small unit-last">
              {u.lastTaskId ? (
                <Link to={paths.task(u.lastTaskId)}>
                  {taskStatusLabel(u.lastStatus ?? '')} {formatAgo(u.lastFinishedAt, now)}
                </Link>
              ) : (
                <span className="muted">never updated</span>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
