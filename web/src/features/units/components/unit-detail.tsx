import { Link } from 'react-router';
import type { ApiTask, ApiTaskDetail, ApiUnit } from '@contract';
import { Digest } from '@/components/digest';
import { EmptyState } from '@/components/empty-state';
import { StatusBadge, taskStatusLabel } from '@/components/status-badge';
import { paths } from '@/config/paths';
import { formatAgo, formatTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { Freshness, PolicyLine, Waiting, type DecisionSlot } from './units-table';

/** A failed or rolled-back task: the last one of these is the unit's "last failure". */
export const isFailure = (t: ApiTask): boolean => t.status === 'failed' || t.status === 'rolled-back';

/** Log lines worth reading of a failure: this unit's lines and every warning or error, the last 12. */
export function journalExcerpt(detail: ApiTaskDetail, unit: string): ApiTaskDetail['log'] {
  return detail.log.filter((l) => l.unit === unit || l.level === 'error' || l.level === 'warn').slice(-12);
}

/** What the unit is and runs: image, where it comes from, digests, policy, what waits on it. */
export function UnitFacts({ unit, decisions }: { unit: ApiUnit; decisions: DecisionSlot }) {
  const now = useNow();
  return (
    <section className="card" aria-labelledby="unit-facts-h">
      <div className="card-head">
        <h2 id="unit-facts-h">Image and policy</h2>
        <Freshness unit={unit} />
      </div>
      <dl className="facts">
        <dt>Image</dt>
        <dd className="wrap">{unit.image ?? <span className="muted">no image</span>}</dd>
        <dt>From</dt>
        <dd>{unit.sources.join(', ') || '—'}</dd>
        <dt>Container</dt>
        <dd>
          {unit.containerState ?? 'no container'}
          {unit.pinned && ' · pinned'}
          {unit.policy && ` · AutoUpdate=${unit.policy}`}
        </dd>
        <dt>Running</dt>
        <dd>
          <Digest value={unit.runningDigest} />
        </dd>
        <dt>Registry</dt>
        <dd>
          <Digest value={unit.registryDigest} />
          {unit.registryError && <div className="warn-text small">{unit.registryError}</div>}
        </dd>
        <dt>Seen</dt>
        <dd title={`first seen ${formatTime(unit.firstSeen)}`}>{formatAgo(unit.lastSeen, now)}</dd>
      </dl>
      <PolicyLine unit={unit} />
      <Waiting unit={unit} now={now} decisions={decisions} />
      {unit.unmanagedReason && <p className="small warn-text">{unit.unmanagedReason}</p>}
      {unit.problems.length > 0 && (
        <ul className="problems small" aria-label="Problems">
          {unit.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The unit's tasks, newest first, each opening its drawer. */
export function UnitHistory({ tasks }: { tasks: ApiTask[] }) {
  const now = useNow();
  if (tasks.length === 0)
    return <EmptyState title="No tasks yet">podup has not updated this unit so far.</EmptyState>;
  return (
    <ol className="history-list" aria-label="Tasks of this unit">
      {tasks.map((t) => (
        <li key={t.id} className="history-row">
          <StatusBadge status={t.status} label={taskStatusLabel(t.status)} />
          <time dateTime={t.createdAt} title={formatTime(t.createdAt)} className="small">
            {formatAgo(t.createdAt, now)}
          </time>
          <span className="muted small">{t.trigger}</span>
          <Link to={paths.task(t.id)} className="small history-summary">
            {t.summary ?? t.reason ?? t.id}
          </Link>
        </li>
      ))}
    </ol>
  );
}

/** The last failure: when, why (this unit's result), its dependents, and the log lines that tell. */
export function LastFailure({ unit, detail }: { unit: string; detail: ApiTaskDetail }) {
  const now = useNow();
  const result = detail.unitResults.find((r) => r.unit === unit);
  const lines = journalExcerpt(detail, unit);
  return (
    <section className="card" aria-labelledby="unit-failure-h">
      <div className="card-head">
        <h2 id="unit-failure-h">Last failure</h2>
        <Link to={paths.task(detail.id)} className="small">
          Open task
        </Link>
      </div>
      <p>
        <StatusBadge status={detail.status} label={taskStatusLabel(detail.status)} />{' '}
        <time dateTime={detail.finishedAt ?? detail.createdAt} title={formatTime(detail.finishedAt)}>
          {formatAgo(detail.finishedAt ?? detail.createdAt, now)}
        </time>
      </p>
      {(result?.reason ?? detail.summary) && <p className="bad-text">{result?.reason ?? detail.summary}</p>}
      {result?.health && <p className="small muted">Health: {result.health}</p>}
      {lines.length > 0 && (
        <pre className="log-excerpt" tabIndex={0} aria-label="Log of the last failure">
          {lines.map((l) => `${formatTime(l.time)} ${l.level.padEnd(5)} ${l.step}: ${l.message}`).join('\n')}
        </pre>
      )}
    </section>
  );
}

/** Units that depend on this one (Requires=, BindsTo=, PartOf=), as the last update of it checked them. */
export function UnitDependents({ detail, unit }: { detail: ApiTaskDetail | undefined; unit: string }) {
  const deps = detail?.unitResults.find((r) => r.unit === unit)?.dependents ?? [];
  return (
    <section className="card" aria-labelledby="unit-deps-h">
      <div className="card-head">
        <h2 id="unit-deps-h">Dependents</h2>
      </div>
      {deps.length === 0 ? (
        <p className="muted small">
          {detail
            ? 'No unit depended on it at its last update.'
            : 'Known after its first update: podup checks the units that depend on it then.'}
        </p>
      ) : (
        <ul className="plain-list">
          {deps.map((d) => (
            <li key={d.unit}>
              <Link to={paths.unit(d.unit)}>{d.unit}</Link> <StatusBadge status={d.result} />
              {d.detail && <span className="muted small"> {d.detail}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
