import { useId, useState, type FormEvent } from 'react';
import type { ApiChannel } from '@contract';
import type { NotifyEvent } from '@vocabulary';
import { Button } from '@/components/button';
import { useToast } from '@/components/toast';
import { useChangeChannel } from '../api/channel-actions';
import { EventChoice } from './event-choice';

/** A channel added here: its name and events (its URL stays sealed; to change it, add the channel again). */
export function EditChannelForm({
  channel,
  events,
  onDone,
}: {
  channel: ApiChannel;
  events: NotifyEvent[];
  onDone: () => void;
}) {
  const change = useChangeChannel();
  const toast = useToast();
  const [name, setName] = useState(channel.name);
  const [chosen, setChosen] = useState<NotifyEvent[]>(channel.events);
  const nameId = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate(
      { id: channel.id, patch: { name: name.trim(), events: chosen } },
      {
        onSuccess: (c) => {
          toast.show({ tone: 'ok', title: `Saved ${c.name}` });
          onDone();
        },
        onError: (err) => toast.error(err, `Could not change ${channel.name}`),
      },
    );
  };

  return (
    <form className="stack" onSubmit={submit} aria-label={`Edit ${channel.name}`}>
      <div className="field">
        <label htmlFor={nameId}>Name</label>
        <input id={nameId} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <EventChoice events={events} chosen={chosen} onChange={setChosen} />
      <div className="row">
        <Button
          type="submit"
          variant="primary"
          size="sm"
          busy={change.isPending}
          disabled={chosen.length === 0 || name.trim() === ''}
        >
          Save
        </Button>
        <Button type="button" size="sm" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
