import { toneOf, type Tone } from '@/lib/format';

const TASK_LABELS: Record<string, string> = {
  queued: 'Queued',
  'awaiting-approval': 'Awaiting approval',
  deferred: 'Deferred',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  'rolled-back': 'Rolled back',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  skipped: 'Skipped',
  pending: 'Pending',
};

/** How a task (or per-unit) status reads; an unknown one (a newer server) shows as it came. */
export const taskStatusLabel = (status: string): string => TASK_LABELS[status] ?? status;

/** A task, unit or event status as a coloured pill; the text is always there (colour is never the only cue). */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <span className={`badge tone-${toneOf(status)}`}>{label ?? status}</span>;
}

/** A coloured dot with an accessible name (for dense lists). */
export function StatusDot({ tone, label }: { tone: Tone; label: string }) {
  return <span className={`dot tone-${tone}`} role="img" aria-label={label} title={label} />;
}
