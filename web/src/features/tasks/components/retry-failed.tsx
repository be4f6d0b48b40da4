import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { ApiTask } from '@contract';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/dialog';
import { useToast } from '@/components/toast';
import { afterTaskAction } from '../api/task-action';
import { retryTask } from '../api/retry-task';

const FAILED = new Set<ApiTask['status']>(['failed', 'rolled-back', 'interrupted']);

export const RETRY_SINCE = [
  { id: '1h', label: 'the last hour', ms: 3_600_000 },
  { id: '24h', label: 'the last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'the last 7 days', ms: 7 * 86_400_000 },
] as const;

/** The loaded tasks that failed (or rolled back, or were interrupted) since `now - ms`, not yet retried. */
export function failedSince(tasks: readonly ApiTask[], ms: number, now: number): ApiTask[] {
  const retried = new Set(tasks.map((t) => t.retryOf).filter(Boolean));
  return tasks.filter(
    (t) => FAILED.has(t.status) && Date.parse(t.createdAt) >= now - ms && !retried.has(t.id),
  );
}

/**
 * "Retry failed tasks since ...": one retry per failed task of the loaded list in the period, one after the
 * other; a toast says how many were queued and how many were refused. Warned while a part is down.
 */
export function RetryFailed({
  tasks,
  now,
  warning,
}: {
  tasks: readonly ApiTask[];
  now: number;
  /** Why the retries would fail now (a part is down), if they would. */
  warning?: string | undefined;
}) {
  const [open, setOpen] = useState(false);
  const [since, setSince] = useState<(typeof RETRY_SINCE)[number]['id']>('24h');
  const [busy, setBusy] = useState(false);
  const queryClient = useQueryClient();
  const toast = useToast();
  const id = useId();
  const period = RETRY_SINCE.find((p) => p.id === since) ?? RETRY_SINCE[1];
  const chosen = failedSince(tasks, period.ms, now);

  const run = async () => {
    setBusy(true);
    let queued = 0;
    let lastError: unknown;
    for (const t of chosen) {
      try {
        afterTaskAction(queryClient, await retryTask(t.id));
        queued++;
      } catch (e) {
        lastError = e;
      }
    }
    setBusy(false);
    setOpen(false);
    if (queued > 0) toast.success(`Queued ${queued} retr${queued === 1 ? 'y' : 'ies'}`);
    if (lastError !== undefined)
      toast.error(lastError, `${chosen.length - queued} of ${chosen.length} retries refused`);
  };

  return (
    <>
      <Button
        size="sm"
        onClick={() => setOpen(true)}
        disabled={failedSince(tasks, RETRY_SINCE[2].ms, now).length === 0}
      >
        Retry failed…
      </Button>
      {open && (
        <ConfirmDialog
          open
          title="Retry failed tasks?"
          confirmLabel={`Retry ${chosen.length}`}
          busy={busy}
          onConfirm={() => void run()}
          onCancel={() => setOpen(false)}
        >
          <p>
            <label htmlFor={id}>Failed since </label>
            <select id={id} value={since} onChange={(e) => setSince(e.target.value as typeof since)}>
              {RETRY_SINCE.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </p>
          <p>
            {chosen.length} failed task{chosen.length === 1 ? '' : 's'} of the loaded list, not retried yet:
            each gets a new task with the same units and image.
          </p>
          {warning && (
            <p className="alert alert-warn" role="alert">
              {warning}
            </p>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
