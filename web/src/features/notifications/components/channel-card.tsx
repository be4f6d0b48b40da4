import { useState } from 'react';
import type { ApiChannel, ApiDelivery } from '@contract';
import type { NotifyEvent } from '@vocabulary';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/dialog';
import { useToast } from '@/components/toast';
import { formatTime, type Tone } from '@/lib/format';
import { useRemoveChannel, useSendTest } from '../api/channel-actions';
import { TableWrap } from '@/components/table-wrap';
import { EditChannelForm } from './edit-channel-form';

const TONE: Record<ApiDelivery['status'], Tone> = {
  delivered: 'ok',
  pending: 'warn',
  failed: 'bad',
  dropped: 'idle',
};

function Deliveries({ name, deliveries }: { name: string; deliveries: ApiDelivery[] }) {
  if (deliveries.length === 0) return <p className="muted small">Nothing sent to this channel yet.</p>;
  return (
    <TableWrap label={`Deliveries to ${name}`}>
      <table className="table table-cards">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
            <th scope="col" className="hide-sm">
              When
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={`${d.notificationId}`}>
              <td title={d.dedupKey}>{d.event}</td>
              <td>
                <span className={`badge tone-${TONE[d.status]}`}>{d.status}</span>
                {d.nextAt && <span className="muted small"> next try {formatTime(d.nextAt)}</span>}
              </td>
              <td>{d.attempts}</td>
              <td className="wrap">{d.lastError ?? '—'}</td>
              <td className="hide-sm">{formatTime(d.deliveredAt ?? d.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/**
 * One channel: where it goes (redacted), what it takes, how its deliveries went; send a test; a channel added
 * here can be edited (name, events) and removed, one of PODUP_NOTIFY is changed in the configuration.
 */
export function ChannelCard({ channel, events }: { channel: ApiChannel; events: NotifyEvent[] }) {
  const test = useSendTest();
  const remove = useRemoveChannel();
  const toast = useToast();
  const [removing, setRemoving] = useState(false);
  const [editing, setEditing] = useState(false);
  const { counts } = channel;
  const headingId = `channel-${channel.id}`;

  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card-head">
        <h2 id={headingId}>{channel.name}</h2>
        <div className="row">
          <Button
            size="sm"
            busy={test.isPending}
            onClick={() =>
              test.mutate(channel.id, {
                onSuccess: () => toast.show({ tone: 'ok', title: `Test queued for ${channel.name}` }),
                onError: (e) => toast.error(e, `Could not send a test to ${channel.name}`),
              })
            }
          >
            Send a test
          </Button>
          {channel.source === 'api' && (
            <>
              <Button size="sm" onClick={() => setEditing(true)} disabled={editing}>
                Edit
              </Button>
              <Button size="sm" variant="danger" onClick={() => setRemoving(true)}>
                Remove
              </Button>
            </>
          )}
        </div>
      </div>
      <p className="small">
        <code>{channel.url}</code> · {channel.kind} ·{' '}
        {channel.source === 'env' ? 'from PODUP_NOTIFY (read-only here: change it there)' : 'added here'}
        {!channel.readable && (
          <span className="warn-text">
            {' '}
            · its URL cannot be read (PODUP_NOTIFY_SECRET changed?): add it again
          </span>
        )}
      </p>
      {editing && <EditChannelForm channel={channel} events={events} onDone={() => setEditing(false)} />}
      <p className="small">
        Events: {channel.events.join(', ')}
        <br />
        <span className="muted">
          {counts.delivered} delivered, {counts.pending} waiting, {counts.failed} given up
          {counts.dropped ? `, ${counts.dropped} dropped` : ''}
        </span>
      </p>
      <Deliveries name={channel.name} deliveries={channel.recent} />
      <ConfirmDialog
        open={removing}
        title={`Remove ${channel.name}?`}
        confirmLabel="Remove"
        variant="danger"
        busy={remove.isPending}
        onConfirm={() =>
          remove.mutate(channel.id, {
            onSuccess: () => {
              setRemoving(false);
              toast.show({ tone: 'ok', title: `Removed ${channel.name}` });
            },
            onError: (e) => {
              setRemoving(false);
              toast.error(e, `Could not remove ${channel.name}`);
            },
          })
        }
        onCancel={() => setRemoving(false)}
      >
        <p>Messages it has not delivered yet are dropped.</p>
      </ConfirmDialog>
    </section>
  );
}
