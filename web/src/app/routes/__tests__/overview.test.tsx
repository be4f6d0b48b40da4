import { screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { TaskActionReply } from '@contract';
import { formatTime } from '@/lib/format';
import { server } from '@/testing/mocks/server';
import { mockState } from '@/testing/mocks/state';
import { renderApp } from '@/testing/test-utils';

const unitsCard = () => screen.getByRole('heading', { name: 'Units' }).closest('section') as HTMLElement;
const card = (heading: string) =>
  screen.getByRole('heading', { name: heading }).closest('section') as HTMLElement;
/** The recorded approval or rejection: its answer, and the task it was recorded on. */
const recordedDecision = (action: 'approve' | 'reject') => {
  const c = mockState().data.control.find((x) => x.status === 'awaiting-approval' && x.action === action)!;
  return { subject: c.subject, message: (c.reply.body as TaskActionReply).message };
};

describe('Overview', () => {
  it('happy-path: no health banner, counts, a dot per unit coloured by its last result, recent tasks', async () => {
    renderApp('/');
    expect(await screen.findByRole('heading', { name: 'Recent tasks' })).toBeInTheDocument();
    expect(screen.queryByRole('alert', { name: 'Service health' })).not.toBeInTheDocument();

    // Each unit's dot names its last result; the colour class follows it.
    const card = unitsCard();
    const rows = [...card.querySelectorAll<HTMLElement>('li.unit-line')];
    expect(rows).toHaveLength(mockState().reads.overview.body.units.length);
    const web = rows.find((r) => within(r).queryByText('web.service'))!;
    const dot = within(web).getAllByRole('img')[0]!;
    const status = dot.getAttribute('aria-label')!.replace('last update ', '');
    const tone = { succeeded: 'tone-ok', failed: 'tone-bad' }[status] ?? 'tone-warn';
    expect(dot).toHaveClass(tone);

    // The ten newest tasks, each linking to its drawer.
    const recent = screen.getByRole('heading', { name: 'Recent tasks' }).closest('section') as HTMLElement;
    const newest = mockState().tasks[0]!.task;
    const links = within(recent)
      .getAllByRole('link')
      .filter((a) => a.getAttribute('href')?.includes('task='));
    expect(links).toHaveLength(10);
    expect(links[0]).toHaveAttribute('href', `/tasks?task=${newest.id}`);
    expect(screen.getByText('Running').nextElementSibling).toHaveTextContent('0');
    expect(screen.getByRole('link', { name: 'Ready' })).toBeInTheDocument();
  });

  it('happy-path: pending approvals with their digest and expiry; approve and reject right there', async () => {
    const { user } = renderApp('/');
    await screen.findByRole('heading', { name: 'Pending approvals' });
    const { pendingApprovals, counts } = mockState().reads.overview.body;
    expect(pendingApprovals.length).toBe(2);
    expect(
      screen.getByText('Awaiting approval', { selector: '.stat-label' }).nextElementSibling,
    ).toHaveTextContent(String(counts.awaitingApproval));
    expect(screen.getByText('Deferred', { selector: '.stat-label' }).nextElementSibling).toHaveTextContent(
      String(counts.deferred),
    );

    const pending = card('Pending approvals');
    const approve = recordedDecision('approve');
    const reject = recordedDecision('reject');
    const target = (id: string) => pendingApprovals.find((t) => t.id === id)!.units!.join(', ');
    const first = pendingApprovals[0]!;
    const item = within(pending)
      .getByRole('link', { name: target(first.id) })
      .closest('li')!;
    expect(within(item).getByTitle(first.digest!)).toHaveTextContent(first.digest!.slice(7, 19));
    expect(item).toHaveTextContent(`expires ${formatTime(first.expiresAt)}`);
    expect(within(pending).getByRole('link', { name: 'All' })).toHaveAttribute(
      'href',
      '/tasks?status=awaiting-approval',
    );

    await user.click(within(pending).getByRole('button', { name: `Approve ${target(approve.subject)}` }));
    expect(await screen.findByText(approve.message)).toBeInTheDocument();
    // Approved: it runs, and no longer waits here.
    await waitFor(() => expect(within(card('Pending approvals')).getAllByRole('listitem')).toHaveLength(1));

    await user.click(screen.getByRole('button', { name: `Reject ${target(reject.subject)}` }));
    expect(await screen.findByText(reject.message)).toBeInTheDocument();
    expect(await screen.findByText('Nothing awaits approval')).toBeInTheDocument();
    expect(
      screen.getByText('Awaiting approval', { selector: '.stat-label' }).nextElementSibling,
    ).toHaveTextContent(String(counts.awaitingApproval - 2));
  });

  it('happy-path: the schedules that run next, with a countdown', async () => {
    renderApp('/');
    const runs = await screen.findByRole('heading', { name: 'Next runs' });
    const section = runs.closest('section') as HTMLElement;
    const { nextRuns } = mockState().reads.overview.body;
    const items = within(section).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('strong')?.textContent)).toEqual(nextRuns.map((r) => r.name));
    expect(within(items[0]!).getByTitle(formatTime(nextRuns[0]!.nextRunAt))).toHaveTextContent(/^in \d+ h/);
    expect(within(section).getByRole('link', { name: 'Schedules' })).toHaveAttribute('href', '/schedules');
  });

  it('degraded: a banner names D-Bus as down with its detail and the fix', async () => {
    renderApp('/', { profile: 'degraded' });
    const banner = await screen.findByRole('alert', { name: 'Service health' });
    const { dbus } = mockState().reads.readyz.body.checks;
    expect(banner).toHaveTextContent('D-Bus (systemd manager) is down: updates cannot run.');
    expect(banner).toHaveTextContent(dbus.detail);
    expect(banner).toHaveTextContent(`Fix: ${dbus.hint}`);
    expect(banner).not.toHaveTextContent('Podman API');
    expect(screen.getByRole('link', { name: 'Not ready' })).toBeInTheDocument();
    // The failed tasks of the outage are the newest ones.
    const recent = screen.getByRole('heading', { name: 'Recent tasks' }).closest('section') as HTMLElement;
    const statuses = within(recent)
      .getAllByRole('listitem')
      .map((li) => li.querySelector('.badge')?.textContent);
    expect(statuses.slice(0, 4)).toEqual(['Failed', 'Failed', 'Failed', 'Succeeded']);
  });

  it('names every part that is down (as /readyz reports it), each with its own fix', async () => {
    server.use(
      http.get('/readyz', () =>
        HttpResponse.json(
          {
            status: 'not-ready',
            checks: {
              db: { ok: true, detail: 'SQLite writable', ms: 1 },
              dbus: {
                ok: false,
                detail: 'connect ENOENT /run/dbus/system_bus_socket',
                hint: 'start dbus',
                ms: 2,
              },
              podman: { ok: false, detail: 'no socket', hint: 'enable podman.socket', ms: 2 },
            },
          },
          { status: 503 },
        ),
      ),
    );
    renderApp('/');
    const banner = await screen.findByRole('alert', { name: 'Service health' });
    expect(banner).toHaveTextContent('D-Bus (systemd manager) and Podman API are down: updates cannot run.');
    const items = within(banner)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual([
      'D-Bus (systemd manager): connect ENOENT /run/dbus/system_bus_socketFix: start dbus',
      'Podman API: no socketFix: enable podman.socket',
    ]);
  });

  it('empty: explains that there are no units and no tasks yet', async () => {
    renderApp('/', { profile: 'empty' });
    expect(await screen.findByText('No units yet')).toBeInTheDocument();
    expect(screen.getByText('No tasks yet')).toBeInTheDocument();
    expect(screen.getByText('Succeeded (24 h)').nextElementSibling).toHaveTextContent('0');
    expect(screen.getByText('Nothing awaits approval')).toBeInTheDocument();
    expect(screen.getByText('No schedule is set')).toBeInTheDocument();
  });

  it('says so when podup cannot be reached at all', async () => {
    server.use(
      http.get('/readyz', () => HttpResponse.error()),
      http.get('/api/overview', () => HttpResponse.error()),
    );
    renderApp('/');
    const banner = await screen.findByRole('alert', { name: 'Service health' });
    expect(banner).toHaveTextContent('Cannot tell whether podup is ready: podup is not reachable');
    expect(await screen.findByText(/Could not load the overview/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('shows the error and its hint when the admin API is not configured', async () => {
    server.use(
      http.get('/api/overview', () =>
        HttpResponse.json(
          {
            error: {
              code: 'ADMIN_AUTH_NOT_CONFIGURED',
              message: 'admin API is disabled: no admin token is configured',
              requestId: 'req-42',
              hint: 'set PODUP_ADMIN_TOKEN',
            },
          },
          { status: 503 },
        ),
      ),
    );
    renderApp('/');
    const alert = await screen.findByText(/Could not load the overview: admin API is disabled/);
    const box = alert.closest('[role="alert"]') as HTMLElement;
    expect(box).toHaveTextContent('set PODUP_ADMIN_TOKEN');
    expect(box).toHaveTextContent('Request id: req-42');
  });
});
