import type { ApiTaskDetail, ApiTaskLog } from '@contract';
import { Digest } from '@/components/digest';
import { formatDuration } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { imageTag } from '@/lib/task-names';
import { STEP_LABELS } from './task-timeline';
import { TaskStatusBadge } from './task-status-badge';

/** What is happening now: the step of the newest log line, on which unit, and for how long the task runs. */
export function currentStep(log: readonly ApiTaskLog[]): { step: string; unit: string | null } | null {
  const last = log.at(-1);
  if (!last) return null;
  return { step: STEP_LABELS[last.step] ?? last.step, unit: last.unit };
}

export function TaskNow({ task }: { task: ApiTaskDetail }) {
  if (task.status !== 'running') return null;
  return <Running task={task} />;
}

/** Its own clock: only this line re-renders every second, not the log beside it. */
function Running({ task }: { task: ApiTaskDetail }) {
  const now = useNow(1_000);
  const step = currentStep(task.log);
  const elapsed = task.startedAt ? Math.max(0, now - Date.parse(task.startedAt)) : null;
  return (
    <p className="task-now small" role="status" aria-label="Now">
      Running{elapsed !== null ? ` for ${formatDuration(elapsed)}` : ''}
      {step && (
        <>
          {' '}
          · <strong>{step.step}</strong>
          {step.unit ? ` on ${step.unit}` : ''}
        </>
      )}
    </p>
  );
}

/** The result per unit first: its status, the image tag, and the digest before -> after. */
export function UnitResults({ task }: { task: ApiTaskDetail }) {
  if (task.unitResults.length === 0) return null;
  return (
    <section className="unit-results" aria-label="Result per unit">
      <h3>Result per unit</h3>
      <ul className="unit-result-list">
        {task.unitResults.map((u) => (
          <li key={u.unit} className="unit-result">
            <div className="unit-result-head">
              <strong>{u.unit}</strong> <TaskStatusBadge status={u.status} />
              {imageTag(u.image ?? task.image) && (
                <span className="muted small mono"> {imageTag(u.image ?? task.image)}</span>
              )}
            </div>
            <div className="small digest-change">
              <Digest value={u.digestBefore} /> <span aria-hidden="true">→</span>
              <span className="sr-only">to</span> <Digest value={u.digestAfter} />
              {u.digestBefore && u.digestAfter && u.digestBefore === u.digestAfter && (
                <span className="muted"> (already current)</span>
              )}
            </div>
            {u.reason && u.status !== 'succeeded' && <p className="small unit-result-reason">{u.reason}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Webhook tasks: the commit GitHub built the image from, and its release or package-version page. */
export function TaskSourceLine({ task }: { task: ApiTaskDetail }) {
  const source = task.source;
  if (!source) return null;
  const commit = source.commit?.slice(0, 12);
  return (
    <p className="small task-source" aria-label="Source">
      {commit &&
        (source.commitUrl ? (
          <>
            Built from commit{' '}
            <a className="mono" href={source.commitUrl} target="_blank" rel="noreferrer">
              {commit}
            </a>
          </>
        ) : (
          <>
            Built from commit <code title={source.commit ?? undefined}>{commit}</code>
          </>
        ))}
      {commit && source.page && ' · '}
      {source.page && (
        <a href={source.page} target="_blank" rel="noreferrer">
          {source.page.includes('/releases/') ? 'Release on GitHub' : 'Package version on GitHub'}
        </a>
      )}
    </p>
  );
}

const FAILED = new Set(['failed', 'rolled-back', 'interrupted']);
const ERROR_LINE = /\b(error|failed|fatal|panic|exception|denied|refused|main process exited|exit-code)\b/i;

/** The journal excerpts podup took while diagnosing (step `diagnose`): per unit, its lines. */
export function journalsOf(log: readonly ApiTaskLog[]): Array<{ unit: string | null; lines: string[] }> {
  return log
    .filter((l) => l.step === 'diagnose' && l.message.includes('\n'))
    .map((l) => ({ unit: l.unit, lines: l.message.split('\n').slice(1) }));
}

/** The first journal line that reads like the error, else the last line of the excerpt. */
export function firstJournalError(lines: readonly string[]): string | null {
  return lines.find((l) => ERROR_LINE.test(l)) ?? lines.at(-1) ?? null;
}

/** Why it did not succeed: the summary, the failing units' reasons, the journal excerpt with its error line. */
export function TaskCause({ task }: { task: ApiTaskDetail }) {
  if (!FAILED.has(task.status)) return null;
  const journals = journalsOf(task.log);
  // The first error logged is where it went wrong (the summary, above, tells where it ended).
  const first = task.log.find((l) => l.level === 'error' && l.message !== task.summary);
  if (!first && journals.length === 0) return null;
  return (
    <section className="task-cause" aria-label="Cause">
      <h3>Cause</h3>
      {first && (
        <p className="cause-summary">
          {first.unit && <strong>{first.unit}: </strong>}
          {first.message.split('\n')[0]}
        </p>
      )}
      {journals.map((j, i) => {
        const first = firstJournalError(j.lines);
        return (
          <div key={i} className="journal">
            {first && (
              <p className="small">
                Journal{j.unit ? ` of ${j.unit}` : ''}: <code className="journal-error">{first}</code>
              </p>
            )}
            <details>
              <summary className="small">Full journal excerpt ({j.lines.length} lines)</summary>
              <pre className="journal-excerpt">{j.lines.join('\n')}</pre>
            </details>
          </div>
        );
      })}
    </section>
  );
}
