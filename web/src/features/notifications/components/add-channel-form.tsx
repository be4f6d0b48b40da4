import { useId, useState, type FormEvent } from 'react';
import type { NotifyEvent } from '@vocabulary';
import { Button } from '@/components/button';
import { useToast } from '@/components/toast';
import { useAddChannel } from '../api/channel-actions';
import { EventChoice } from './event-choice';

/** Add a channel from a service URL; without PODUP_NOTIFY_SECRET podup cannot seal it, and says so. */
export function AddChannelForm({
  events,
  secretConfigured,
}: {
  events: NotifyEvent[];
  secretConfigured: boolean;
}) {
  const add = useAddChannel();
  const toast = useToast();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<NotifyEvent[]>(events.filter((e) => e !== 'succeeded'));
  const ids = { name: useId(), url: useId() };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(
      { url: url.trim(), events: chosen, ...(name.trim() ? { name: name.trim() } : {}) },
      {
        onSuccess: (c) => {
          setName('');
          setUrl('');
          toast.show({ tone: 'ok', title: `Added ${c.name}` });
        },
        onError: (err) => toast.error(err, 'Could not add the channel'),
      },
    );
  };

  return (
    <section className="card" aria-labelledby={`${ids.name}-heading`}>
      <h2 id={`${ids.name}-heading`}>Add a channel</h2>
      {!secretConfigured && (
        <p className="warn-text small">
          Set PODUP_NOTIFY_SECRET to add channels here: it seals their URLs in podup&apos;s database. Channels
          in PODUP_NOTIFY work without it.
        </p>
      )}
      <form className="stack" onSubmit={submit}>
        <div className="filters">
          <div className="field">
            <label htmlFor={ids.name}>Name (optional)</label>
            <input id={ids.name} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field field-grow">
            <label htmlFor={ids.url}>Service URL</label>
            <input
              id={ids.url}
              required
              type="password"
              autoComplete="off"
              placeholder="ntfy://ntfy.sh/topic, discord://id/token, jsons://host/path"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </div>
        </div>
        <EventChoice events={events} chosen={chosen} onChange={setChosen} />
        <div>
          <Button
            type="submit"
            variant="primary"
            busy={add.isPending}
            disabled={!secretConfigured || chosen.length === 0}
          >
            Add channel
          </Button>
        </div>
      </form>
    </section>
  );
}
