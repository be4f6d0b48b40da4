import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import type { ApiEvent } from '@contract';
import { StatusBadge } from '@/components/status-badge';
import { formatDuration, formatTime } from '@/lib/format';
import { reasonOf } from './traffic';
import { TableWrap } from '@/components/table-wrap';

/**
 * The event log; a row opens to every field it has (request id, delivery, reason). A row may stand for several
 * refusals of one source, route and status within a minute (count > 1): it shows the first and how many.
 */
export function EventsTable({ events, taskHref }: { events: ApiEvent[]; taskHref: (id: string) => string }) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <TableWrap label="Events">
      <table className="table events-table table-cards">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Outcome</th>
            <th scope="col">Request</th>
            <th scope="col">Reason</th>
            <th scope="col" className="hide-sm">
              Event
            </th>
            <th scope="col" className="hide-md">
              Image
            </th>
            <th scope="col" className="hide-sm">
              Task
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <Fragment key={e.id}>
              <tr className={open === e.id ? 'selected' : undefined}>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    aria-expanded={open === e.id}
                    onClick={() => setOpen(open === e.id ? null : e.id)}
                  >
                    {/* The name starts with what is shown (WCAG 2.5.3): "<time>, details of event N". */}
                    <time dateTime={e.time}>{formatTime(e.time)}</time>
                    <span className="sr-only">, details of event {e.id}</span>
                  </button>
                </td>
                <td data-label="Outcome">
                  <StatusBadge status={e.outcome} />
                </td>
                <td className="wrap" data-label="Request">
                  <span className="mono small">
                    {e.method} {e.route}
                  </span>{' '}
                  <span className="muted small">{e.status}</span>
                  {(e.count ?? 1) > 1 && (
                    <span className="muted small" title={`${e.count} requests folded into this row`}>
                      {' '}
                      ×{e.count}
                    </span>
                  )}
                </td>
                <td className="wrap small event-reason" data-label="Reason">
                  {e.outcome === 'ok' ? '' : (reasonOf(e) ?? '')}
                </td>
                <td className="hide-sm" data-label="Event">
                  {e.event ?? '—'}
                  {e.action && <span className="muted small"> · {e.action}</span>}
                </td>
                <td className="hide-md wrap small card-hide" data-label="Image">
                  {e.image ?? '—'}
                </td>
                <td className="hide-sm" data-label="Task">
                  {e.taskId ? (
                    <Link to={taskHref(e.taskId)} className="mono small">
                      {e.taskId}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
              {open === e.id && (
                <tr className="details-row">
                  <td colSpan={7}>
                    <dl className="meta">
                      {(
                        [
                          ['Request id', e.requestId],
                          [
                            'Requests',
                            (e.count ?? 1) > 1 ? `${e.count} within the minute (the first shown)` : null,
                          ],
                          ['Delivery', e.delivery],
                          ['Source', e.source],
                          ['Duration', formatDuration(e.durationMs)],
                          ['Reason', reasonOf(e)],
                          ['Image', e.image],
                        ] as const
                      ).map(([k, v]) => (
                        <div key={k}>
                          <dt>{k}</dt>
                          <dd className="wrap">{v || '—'}</dd>
                        </div>
                      ))}
                    </dl>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
