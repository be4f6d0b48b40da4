import { useId, useState } from 'react';
import type { ApiSchedule } from '@contract';
import { SCHEDULE_ACTIONS, type ScheduleAction } from '@vocabulary';
import { Button } from '@/components/button';
import { useToast } from '@/components/toast';
import { ApiError } from '@/lib/api-client';
import { formatDistance, formatInZone, hasSecondsField } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { useDebouncedCallback } from '@/lib/use-debounced-callback';
import { useCreateSchedule } from '../api/create-schedule';
import { useEditSchedule } from '../api/edit-schedule';
import { useCronPreview } from '../api/get-cron-preview';

const PRESETS = [
  ['0 3 * * *', 'every night at 03:00'],
  ['*/15 * * * *', 'every 15 minutes'],
  ['0 4 * * 0', 'Sundays at 04:00'],
] as const;

const ACTION_WORDS: Record<ScheduleAction, string> = {
  check: 'check: look up new digests, apply per policy',
  update: 'update: move the units now',
  prune: 'prune: retention of old tasks and events',
};

const unitList = (text: string): string[] =>
  text
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);

/**
 * The next runs in plain words on the schedule's clock, the zone named, each with how far off it is; seconds
 * only when the expression has a seconds field.
 */
function NextRuns({ cron, zone, next }: { cron: string; zone: string; next: string[] }) {
  const now = useNow();
  const seconds = hasSecondsField(cron);
  return (
    <div className="small">
      <p>Next runs ({zone} time):</p>
      <ul className="next-runs">
        {next.map((t) => (
          <li key={t}>
            <time dateTime={t}>{formatInZone(t, zone, { seconds })}</time> ({formatDistance(t, now)})
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * A new schedule, or an existing one edited: cron with the next runs it gives (the server validates it as the
 * scheduler would), time zone, action, units, random delay.
 */
export function ScheduleEditor({ schedule, onDone }: { schedule?: ApiSchedule; onDone: () => void }) {
  const id = useId();
  const toast = useToast();
  const create = useCreateSchedule();
  const edit = useEditSchedule();
  const saving = create.isPending || edit.isPending;
  const [name, setName] = useState(schedule?.name ?? '');
  const [cron, setCron] = useState<string>(schedule?.cron ?? PRESETS[0][0]);
  const [zone, setZone] = useState(schedule?.zone ?? 'UTC');
  const [action, setAction] = useState<ScheduleAction>(schedule?.action ?? 'check');
  const [units, setUnits] = useState(schedule?.units?.join(', ') ?? '');
  const [randomDelay, setRandomDelay] = useState(schedule?.randomDelay ?? '0');
  // The preview follows typing once it pauses, not at every key stroke.
  const [checked, setChecked] = useState({ cron, zone });
  const later = useDebouncedCallback((next: { cron: string; zone: string }) => setChecked(next), 300);
  const preview = useCronPreview(checked.cron, checked.zone);
  const problem = preview.error instanceof ApiError ? preview.error.message : null;

  const done = (verb: string) => ({
    onSuccess: (s: ApiSchedule) => {
      toast.success(`Schedule ${s.name} ${verb}`);
      onDone();
    },
    onError: (e: unknown) => toast.error(e, `Could not save the schedule`),
  });

  const submit = () => {
    // Prune works on the state database, not on units.
    const list = action === 'prune' ? [] : unitList(units);
    const delay = randomDelay.trim() || '0';
    if (schedule)
      edit.mutate(
        { name: schedule.name, cron, zone, action, units: list.length ? list : null, randomDelay: delay },
        done('saved'),
      );
    else
      create.mutate(
        {
          cron,
          zone,
          action,
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(list.length ? { units: list } : {}),
          ...(delay !== '0' ? { randomDelay: delay } : {}),
        },
        done('created'),
      );
  };

  return (
    <form
      className="card stack"
      aria-label={schedule ? `Edit schedule ${schedule.name}` : 'New schedule'}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="filters">
        <div className="field">
          <label htmlFor={`${id}-name`}>{schedule ? 'Name' : 'Name (optional)'}</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={64}
            readOnly={Boolean(schedule)}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field field-grow">
          <label htmlFor={`${id}-cron`}>Cron (5 fields, or 6 with seconds first)</label>
          <input
            id={`${id}-cron`}
            value={cron}
            aria-invalid={problem !== null}
            aria-describedby={`${id}-preview`}
            onChange={(e) => {
              setCron(e.target.value);
              later({ cron: e.target.value, zone });
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-zone`}>Time zone</label>
          <input
            id={`${id}-zone`}
            value={zone}
            onChange={(e) => {
              setZone(e.target.value);
              later({ cron, zone: e.target.value });
            }}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-action`}>Action</label>
          <select
            id={`${id}-action`}
            value={action}
            onChange={(e) => setAction(e.target.value as ScheduleAction)}
          >
            {SCHEDULE_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_WORDS[a]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-units`}>Units (comma-separated; empty: all)</label>
          <input
            id={`${id}-units`}
            value={units}
            disabled={action === 'prune'}
            onChange={(e) => setUnits(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-delay`}>Random delay (e.g. 5m)</label>
          <input id={`${id}-delay`} value={randomDelay} onChange={(e) => setRandomDelay(e.target.value)} />
        </div>
      </div>
      <div className="row row-tight" role="group" aria-label="Common schedules">
        {PRESETS.map(([expr, words]) => (
          <Button
            key={expr}
            size="sm"
            aria-pressed={cron === expr}
            onClick={() => {
              setCron(expr);
              setChecked({ cron: expr, zone });
            }}
          >
            {words}
          </Button>
        ))}
      </div>
      <div id={`${id}-preview`} role="status" aria-label="Next runs">
        {problem ? (
          <p className="warn-text small">{problem}</p>
        ) : preview.data ? (
          <NextRuns cron={preview.data.cron} zone={preview.data.zone} next={preview.data.next.slice(0, 3)} />
        ) : null}
      </div>
      <div className="row row-tight">
        <Button type="submit" variant="primary" busy={saving} disabled={problem !== null}>
          {schedule ? 'Save schedule' : 'Create schedule'}
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}
