import type { ApiTaskDetail, ApiTaskLog } from '@contract';
import { Digest } from '@/components/digest';
import { formatDuration, toneOf } from '@/lib/format';
import { TaskStatusBadge } from './task-status-badge';

export const STEP_LABELS: Record<string, string> = {
  task: 'Task',
  plan: 'Plan',
  pull: 'Pull image',
  restart: 'Restart unit',
  health: 'Health check',
  verify: 'Verify digest',
  rollback: 'Roll back',
  diagnose: 'Diagnose',
  dependents: 'Dependents',
  prune: 'Prune old image',
};

interface Step {
  step: string;
  level: ApiTaskLog['level'];
  message: string;
  durationMs: number | null;
  lines: number;
}

/** Consecutive log lines of the same step become one step: its worst level, last message and total time. */
export function stepsOf(lines: readonly ApiTaskLog[]): Step[] {
  const steps: Step[] = [];
  const rank = { info: 0, warn: 1, error: 2 } as const;
  for (const l of lines) {
    const last = steps.at(-1);
    if (last && last.step === l.step) {
      if (rank[l.level] >= rank[last.level]) last.level = l.level;
      last.message = l.message;
      if (l.durationMs !== null) last.durationMs = (last.durationMs ?? 0) + l.durationMs;
      last.lines++;
    } else {
      steps.push({ step: l.step, level: l.level, message: l.message, durationMs: l.durationMs, lines: 1 });
    }
  }
  return steps;
}

const levelTone = (level: ApiTaskLog['level']) =>
  level === 'error' ? 'bad' : level === 'warn' ? 'warn' : 'ok';

function Steps({ steps, active, label }: { steps: Step[]; active: boolean; label: string }) {
  if (steps.length === 0) return <p className="muted small">No steps yet.</p>;
  // Collapsible: open while the work runs or when a step went wrong, closed once all went well.
  const open = active || steps.some((s) => s.level !== 'info');
  return (
    <details className="steps-box" open={open}>
      <summary className="small">
        {label}: {steps.length} step{steps.length === 1 ? '' : 's'}
      </summary>
      <StepList steps={steps} active={active} />
    </details>
  );
}

function StepList({ steps, active }: { steps: Step[]; active: boolean }) {
  return (
    <ol className="steps">
      {steps.map((s, i) => (
        <li
          key={`${s.step}-${i}`}
          className={`step tone-line-${active && i === steps.length - 1 && s.level === 'info' ? 'busy' : levelTone(s.level)}`}
        >
          <span className="step-name">{STEP_LABELS[s.step] ?? s.step}</span>
          {s.durationMs !== null && <span className="muted small"> {formatDuration(s.durationMs)}</span>}
          <div className="step-msg small">{s.message.split('\n')[0]}</div>
        </li>
      ))}
    </ol>
  );
}

/**
 * Per unit: its result and part in the rollout (canary, place in the order), the digest before and after, what
 * the health gate saw, the dependents checked, and the steps it went through.
 */
export function TaskTimeline({ task }: { task: ApiTaskDetail }) {
  const active = task.status === 'running';
  const general = stepsOf(task.log.filter((l) => l.unit === null));
  return (
    <section className="timeline" aria-label="Steps">
      <h3>Steps by unit</h3>
      {general.length > 0 && (
        <div className="timeline-unit">
          <div className="timeline-head">
            <strong>Task</strong>
          </div>
          <Steps
            label="Task"
            steps={general}
            active={active && task.unitResults.every((u) => u.status !== 'running')}
          />
        </div>
      )}
      {task.unitResults.length === 0 && general.length === 0 && <p className="muted">Nothing has run yet.</p>}
      {task.unitResults.map((u) => (
        <div key={u.unit} className={`timeline-unit tone-line-${toneOf(u.status)}`}>
          <div className="timeline-head">
            <strong>{u.unit}</strong> <TaskStatusBadge status={u.status} />
            {u.role === 'canary' && <span className="badge tone-info">canary</span>}
            {u.position !== null && <span className="muted small"> #{u.position} in the rollout</span>}
          </div>
          {u.image && <div className="muted small wrap">{u.image}</div>}
          <dl className="digests">
            <div>
              <dt>Before</dt>
              <dd>
                <Digest value={u.digestBefore} />
              </dd>
            </div>
            <div>
              <dt>After</dt>
              <dd>
                <Digest value={u.digestAfter} />
              </dd>
            </div>
            {u.digestBefore && u.digestAfter && (
              <div>
                <dt>Changed</dt>
                <dd>{u.digestBefore === u.digestAfter ? 'no (already current)' : 'yes'}</dd>
              </div>
            )}
          </dl>
          {u.reason && <p className="small">{u.reason}</p>}
          {u.health && <p className="small">Health: {u.health}</p>}
          {u.dependents.length > 0 && (
            <ul className="small" aria-label={`Dependents of ${u.unit}`}>
              {u.dependents.map((d) => (
                <li
                  key={d.unit}
                  className={`tone-line-${d.result === 'down' ? 'bad' : d.result === 'started' ? 'warn' : 'ok'}`}
                >
                  {d.unit}: {d.result}
                  {d.detail && <span className="muted"> ({d.detail})</span>}
                </li>
              ))}
            </ul>
          )}
          <Steps
            label={`Steps of ${u.unit}`}
            steps={stepsOf(task.log.filter((l) => l.unit === u.unit))}
            active={u.status === 'running'}
          />
        </div>
      ))}
    </section>
  );
}
