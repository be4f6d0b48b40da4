import { Link } from 'react-router';
import type { ApiTask, Overview } from '@contract';
import { EmptyState } from '@/components/empty-state';
import { StatusDot, taskStatusLabel } from '@/components/status-badge';
import { paths } from '@/config/paths';
import { formatAgo, formatTime, isInFlight, toneOf } from '@/lib/format';

type Unit = Overview['units'][number];

/** How many past updates each unit's strip shows. */
export const STRIP_LENGTH = 8;

/** Worst first: failed, updating now, rolled back (or otherwise not clean), never updated, succeeded. */
export function severity(u: Unit, updating: boolean): number {
  if (u.lastStatus === 'failed') return 0;
  if (updating) return 1;
  if (u.lastStatus && u.lastStatus !== 'succeeded') return 2;
  if (!u.lastStatus) return 3;
  return 4;
}

/** A task is about a unit when it names it, or (an image's webhook task, which names no units) moves its image. */
export const concerns = (t: ApiTask, u: Pick<Unit, 'unit' | 'image'>): boolean =>
  t.units ? t.units.includes(u.unit) : t.image !== null && t.image === u.image;

/** The units' order on the board, and which of them a queued or running task is moving now. */
export function triage(units: Unit[], tasks: ApiTask[]): { unit: Unit; updating: boolean }[] {
  const inFlight = tasks.filter((t) => isInFlight(t.status));
  return units
    .map((unit) => ({ unit, updating: inFlight.some((t) => concerns(t, unit)) }))
    .sort(
      (a, b) =>
        severity(a.unit, a.updating) - severity(b.unit, b.updating) || a.unit.unit.localeCompare(b.unit.unit),
    );
}

/**
 * What a task did to one unit: the unit's own result when the task lists its units' results (another unit's
 * failure is not this one's), the task's status when it lists none; null when it ran on other units only.
 */
export function resultFor(t: ApiTask, unit: string): string | null {
  const own = t.outcomes?.find((o) => o.unit === unit);
  if (own) return own.status;
  return t.outcomes?.length ? null : t.status;
}

/** The last updates of a unit, oldest to newest, each a dot linking to its task, coloured by the unit's result. */
function HistoryStrip({ unit, tasks, now }: { unit: Unit; tasks: ApiTask[]; now: number }) {
  const mine = tasks
    .filter((t) => concerns(t, unit) && t.finishedAt)
    .map((t) => ({ t, status: resultFor(t, unit.unit) }))
    .filter((x): x is { t: ApiTask; status: string } => x.status !== null)
    .slice(0, STRIP_LENGTH)
    .reverse();
  if (mine.length === 0) return null;
  return (
    <ol className="history-strip" aria-label={`Last updates of ${unit.unit}`}>
      {mine.map(({ t, status }) => (
        <li key={t.id}>
          <Link to={paths.task(t.id)} title={`${taskStatusLabel(status)} ${formatTime(t.finishedAt)}`}>
            <StatusDot
              tone={toneOf(status)}
              label={`${taskStatusLabel(status)} ${formatAgo(t.finishedAt, now)}`}
            />
          </Link>
        </li>
      ))}
    </ol>
  );
}

/**
 * One line per unit, worst first: a dot (red failed, blue updating, amber anything else unclean, grey never
 * updated, green succeeded), the unit linking to its page, its last result and its last updates as a strip.
 */
export function UnitStatusList({
  units,
  now,
  tasks = [],
}: {
  units: Overview['units'];
  now: number;
  /** The newest tasks (for "updating" and the strips); empty until loaded. */
  tasks?: ApiTask[];
}) {
  if (units.length === 0)
    return (
      <EmptyState title="No units yet">
        podup has not found any unit to update. Units come from Quadlet files and containers labelled{' '}
        <code>io.containers.autoupdate</code>; see <Link to={paths.settings}>Settings</Link>.
      </EmptyState>
    );
  return (
    <ul className="unit-list triage">
      {triage(units, tasks).map(({ unit: u, updating }) => {
        const label = updating ? 'updating' : u.lastStatus ? `last update ${u.lastStatus}` : 'never updated';
        return (
          <li key={u.unit} className="unit-line">
            <StatusDot tone={updating ? 'busy' : toneOf(u.lastStatus)} label={label} />
            <Link to={paths.unit(u.unit)} className="unit-name">
              {u.unit}
            </Link>
            <span className="muted small unit-image">{u.image ?? 'no image'}</span>
            <span className="small unit-last">
              {updating ? (
                <span className="badge tone-busy">updating</span>
              ) : u.lastTaskId ? (
                <Link to={paths.task(u.lastTaskId)}>
                  {taskStatusLabel(u.lastStatus ?? '')} {formatAgo(u.lastFinishedAt, now)}
                </Link>
              ) : (
                <span className="muted">never updated</span>
              )}
            </span>
            <HistoryStrip unit={u} tasks={tasks} now={now} />
          </li>
        );
      })}
    </ul>
  );
}
