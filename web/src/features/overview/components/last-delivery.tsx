import { Link } from 'react-router';
import type { ApiEvent, ApiTask } from '@contract';
import { StatusBadge } from '@/components/status-badge';
import { paths } from '@/config/paths';
import { formatAgo, formatTime } from '@/lib/format';

/**
 * GitHub's page of a hook's recent deliveries (where "Redeliver" is), when podup knows the hook: webhook tasks
 * carry the hook id GitHub sent (actor "github hook 42"), and a ghcr.io image names the repository.
 */
export function redeliverUrl(tasks: ApiTask[]): string | null {
  for (const t of tasks) {
    const hook = /^github hook (\d+)$/.exec(t.actor ?? '')?.[1];
    const repo = /^ghcr\.io\/([\w.-]+\/[\w.-]+)/.exec(t.image ?? t.units?.[0] ?? '')?.[1];
    if (hook && repo) return `https://github.com/${repo}/settings/hooks/${hook}?tab=deliveries`;
  }
  return null;
}

/** "Last delivery received 3 min ago: package published, accepted", with GitHub's redeliver page. */
export function LastDelivery({
  event,
  tasks,
  now,
}: {
  event: ApiEvent | null | undefined;
  tasks: ApiTask[];
  now: number;
}) {
  if (event === undefined) return null;
  const redeliver = redeliverUrl(tasks);
  return (
    <p className="last-delivery small" aria-label="Last delivery">
      {event ? (
        <>
          Last delivery received{' '}
          <time dateTime={event.time} title={formatTime(event.time)}>
            {formatAgo(event.time, now)}
          </time>
          : {[event.event, event.action].filter(Boolean).join(' ') || event.route}{' '}
          <StatusBadge status={event.outcome} />
          {event.reason && <span className="muted"> {event.reason}</span>}{' '}
          <Link to={`${paths.events}?actor=github`}>Deliveries</Link>
        </>
      ) : (
        <>No webhook delivery received yet: see Settings for the URL to give GitHub. </>
      )}
      {redeliver && (
        <>
          {' · '}
          <a href={redeliver} target="_blank" rel="noreferrer">
            Redeliver on GitHub
          </a>
        </>
      )}
    </p>
  );
}
