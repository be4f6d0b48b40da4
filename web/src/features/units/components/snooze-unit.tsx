import { useId, useState } from 'react';
import type { ApiUnit } from '@contract';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { useToast } from '@/components/toast';
import { ApiError } from '@/lib/api-client';
import { formatTime } from '@/lib/format';
import { useSnoozeUnit } from '../api/snooze-unit';

const CHOICES = [
  ['1d', '1 day'],
  ['7d', '1 week'],
  ['until', 'until a date and time'],
] as const;
type Choice = (typeof CHOICES)[number][0];

/** A datetime-local value ("2026-12-05T02:00", the browser's clock) as an ISO time, or null. */
function isoOf(local: string): string | null {
  const t = new Date(local);
  return local && !Number.isNaN(t.getTime()) ? t.toISOString() : null;
}

/**
 * No update of the unit for a day, a week, or until a time the operator picks; Unsnooze ends a snooze.
 * The server says when a picked time is not in the future; that is shown in the dialog.
 */
export function SnoozeUnit({ unit }: { unit: ApiUnit }) {
  const id = useId();
  const toast = useToast();
  const snooze = useSnoozeUnit();
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<Choice>('1d');
  const [at, setAt] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const until = unit.updatePolicy.snoozedUntil;

  if (until !== null)
    return (
      <Button
        size="sm"
        busy={snooze.isPending}
        aria-label={`Unsnooze ${unit.unit} (snoozed until ${formatTime(until)})`}
        onClick={() =>
          snooze.mutate(
            { unit: unit.unit, until: null },
            {
              onSuccess: (r) => toast.success(r.message),
              onError: (e) => toast.error(e, `Unsnooze of ${unit.unit} failed`),
            },
          )
        }
      >
        Unsnooze
      </Button>
    );

  const picked = choice === 'until' ? isoOf(at) : choice;
  const submit = () => {
    if (!picked) return setProblem('Pick a date and time.');
    setProblem(null);
    snooze.mutate(
      { unit: unit.unit, until: picked },
      {
        onSuccess: (r) => {
          toast.success(r.message);
          setOpen(false);
        },
        onError: (e) =>
          e instanceof ApiError && e.status === 400
            ? setProblem(e.message)
            : toast.error(e, `Snooze of ${unit.unit} failed`),
      },
    );
  };
  return (
    <>
      <Button size="sm" aria-label={`Snooze ${unit.unit}…`} onClick={() => setOpen(true)}>
        Snooze…
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Snooze ${unit.unit}`}
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button variant="primary" busy={snooze.isPending} onClick={submit}>
              Snooze
            </Button>
          </>
        }
      >
        <fieldset className="stack">
          <legend>No update of {unit.unit} for</legend>
          {CHOICES.map(([value, words]) => (
            <label key={value} className="row row-tight">
              <input
                type="radio"
                name={`${id}-choice`}
                value={value}
                checked={choice === value}
                onChange={() => setChoice(value)}
              />
              {words}
            </label>
          ))}
        </fieldset>
        {choice === 'until' && (
          <div className="field">
            <label htmlFor={`${id}-at`}>Snoozed until (your clock)</label>
            <input
              id={`${id}-at`}
              type="datetime-local"
              value={at}
              aria-invalid={problem !== null}
              aria-describedby={problem ? `${id}-problem` : undefined}
              onChange={(e) => setAt(e.target.value)}
            />
          </div>
        )}
        {problem && (
          <p id={`${id}-problem`} className="warn-text small" role="alert">
            {problem}
          </p>
        )}
      </Dialog>
    </>
  );
}
