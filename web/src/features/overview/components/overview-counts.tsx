import { Link } from 'react-router';
import type { Overview } from '@contract';
import { paths } from '@/config/paths';

const tasksWith = (status: string) => `${paths.tasks}?status=${status}`;

/**
 * The counts as tiles, each a link to the list behind it (the tasks page filtered by that status, the event
 * log). A tile is coloured only when it asks for attention: failures red, rollbacks and approvals amber, work in
 * flight blue; a zero stays grey.
 */
export function OverviewCounts({ counts }: { counts: Overview['counts'] }) {
  const items: Array<{ label: string; value: number; tone: string; to: string }> = [
    {
      label: 'Running',
      value: counts.running,
      tone: counts.running ? 'busy' : 'idle',
      to: tasksWith('running'),
    },
    { label: 'Queued', value: counts.queued, tone: counts.queued ? 'busy' : 'idle', to: tasksWith('queued') },
    {
      label: 'Awaiting approval',
      value: counts.awaitingApproval,
      tone: counts.awaitingApproval ? 'warn' : 'idle',
      to: tasksWith('awaiting-approval'),
    },
    { label: 'Deferred', value: counts.deferred, tone: 'idle', to: tasksWith('deferred') },
    {
      label: 'Succeeded (24 h)',
      value: counts.succeeded24h,
      tone: counts.succeeded24h ? 'ok' : 'idle',
      to: tasksWith('succeeded'),
    },
    {
      label: 'Failed (24 h)',
      value: counts.failed24h,
      tone: counts.failed24h ? 'bad' : 'idle',
      to: tasksWith('failed'),
    },
    {
      label: 'Rolled back (24 h)',
      value: counts.rolledBack24h,
      tone: counts.rolledBack24h ? 'warn' : 'idle',
      to: tasksWith('rolled-back'),
    },
    { label: 'Deliveries (24 h)', value: counts.deliveries24h, tone: 'idle', to: paths.events },
  ];
  return (
    <ul className="stats" aria-label="Counts">
      {items.map((i) => (
        <li key={i.label} className={`stat stat-tile tone-line-${i.tone} stat-${i.tone}`}>
          <Link to={i.to} className="stat-link">
            <span className="stat-label">{i.label}</span>{' '}
            <span className="stat-value">{i.value.toLocaleString()}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
