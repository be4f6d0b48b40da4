import type { Overview } from '@contract';

export function OverviewCounts({ counts }: { counts: Overview['counts'] }) {
  const items: Array<{ label: string; value: number; tone: string }> = [
    { label: 'Running', value: counts.running, tone: counts.running ? 'busy' : 'idle' },
    { label: 'Queued', value: counts.queued, tone: counts.queued ? 'busy' : 'idle' },
    {
      label: 'Awaiting approval',
      value: counts.awaitingApproval,
      tone: counts.awaitingApproval ? 'warn' : 'idle',
    },
    { label: 'Deferred', value: counts.deferred, tone: 'idle' },
    { label: 'Succeeded (24 h)', value: counts.succeeded24h, tone: 'ok' },
    { label: 'Failed (24 h)', value: counts.failed24h, tone: counts.failed24h ? 'bad' : 'idle' },
    {
      label: 'Rolled back (24 h)',
      value: counts.rolledBack24h,
      tone: counts.rolledBack24h ? 'warn' : 'idle',
    },
    { label: 'Webhook events (24 h)', value: counts.events24h, tone: 'idle' },
  ];
  return (
    <dl className="stats">
      {items.map((i) => (
        <div key={i.label} className={`stat tone-line-${i.tone}`}>
          <dt>{i.label}</dt>
          <dd>{i.value.toLocaleString()}</dd>
        </div>
      ))}
    </dl>
  );
}
