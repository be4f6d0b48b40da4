import { useId, useState } from 'react';
import type { ApiUnit } from '@contract';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { useToast } from '@/components/toast';
import { ApiError } from '@/lib/api-client';
import { useSetUnitPolicy } from '../api/set-unit-policy';
import { sourceWords } from './policy-sources';

type Field = 'minAge' | 'window';

const FIELDS: Record<Field, { label: string; hint: string; current: (u: ApiUnit) => string }> = {
  minAge: {
    label: 'Minimum image age',
    hint: 'A new digest is applied only once it is this old, e.g. 3d, 12h; 0 for none.',
    current: (u) => u.updatePolicy.minAge.value,
  },
  window: {
    label: 'Maintenance windows',
    hint: 'Work outside waits. DAYS HH:MM-HH:MM ZONE, several separated by ";", e.g. Sat 02:00-05:00 Europe/Berlin.',
    current: (u) => u.updatePolicy.windows.value.join('; '),
  },
};

const sourceOf = (u: ApiUnit, field: Field) =>
  field === 'minAge' ? u.updatePolicy.minAge.source : u.updatePolicy.windows.source;

/**
 * One part of the override: the value in effect and where it came from, a new value (the server validates
 * it: a refusal is shown at the field), and the reset to the unit's own value when podup overrides it.
 */
function OverrideField({ unit, field }: { unit: ApiUnit; field: Field }) {
  const id = useId();
  const toast = useToast();
  const change = useSetUnitPolicy();
  const { label, hint, current } = FIELDS[field];
  const [text, setText] = useState(current(unit));
  const [problem, setProblem] = useState<string | null>(null);
  const overridden = sourceOf(unit, field) === 'override';
  const send = (value: string | null) => {
    setProblem(null);
    change.mutate(
      { unit: unit.unit, [field]: value },
      {
        onSuccess: (r) => {
          toast.success(r.message);
          if (value === null) setText('');
        },
        onError: (e) =>
          e instanceof ApiError && e.status === 400
            ? setProblem(e.message)
            : toast.error(e, `Could not change the ${label.toLowerCase()} of ${unit.unit}`),
      },
    );
  };
  return (
    <form
      className="stack override-field"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        send(text.trim());
      }}
    >
      <label htmlFor={id}>{label}</label>
      <p className="muted small" id={`${id}-now`}>
        Now: {current(unit) || 'none'} ({sourceWords(sourceOf(unit, field))}). {hint}
      </p>
      <input
        id={id}
        value={text}
        maxLength={field === 'minAge' ? 32 : 1000}
        aria-invalid={problem !== null}
        aria-describedby={`${id}-now${problem ? ` ${id}-problem` : ''}`}
        onChange={(e) => setText(e.target.value)}
      />
      {problem && (
        <p id={`${id}-problem`} className="warn-text small" role="alert">
          {problem}
        </p>
      )}
      <div className="row row-tight">
        <Button type="submit" size="sm" variant="primary" busy={change.isPending}>
          Set {label.toLowerCase()}
        </Button>
        {overridden && (
          <Button size="sm" disabled={change.isPending} onClick={() => send(null)}>
            Reset to the unit’s own
          </Button>
        )}
      </div>
    </form>
  );
}

/** The minimum image age and the maintenance windows of one unit, overridden at run time (persisted). */
export function PolicyOverrides({ unit }: { unit: ApiUnit }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        size="sm"
        disabled={!unit.managed}
        aria-label={`Age & windows of ${unit.unit}`}
        onClick={() => setOpen(true)}
      >
        Age &amp; windows…
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Minimum age and windows: ${unit.unit}`}
        footer={<Button onClick={() => setOpen(false)}>Close</Button>}
      >
        <OverrideField unit={unit} field="minAge" />
        <OverrideField unit={unit} field="window" />
      </Dialog>
    </>
  );
}
