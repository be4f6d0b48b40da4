import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { concerns } from '@/features/overview/components/unit-status-list';
import { mockState } from '@/testing/mocks/state';
import { renderApp } from '@/testing/test-utils';

const unitsCard = () => screen.getByRole('heading', { name: 'Units' }).closest('section') as HTMLElement;
const unitRows = () => [...unitsCard().querySelectorAll<HTMLElement>('li.unit-line')];
const nameOf = (row: HTMLElement) => row.querySelector('.unit-name')!.textContent;

describe('Overview as a triage board', () => {
  it('every count is a tile linking to the list behind it; failures and rollbacks are coloured', async () => {
    renderApp('/');
    const counts = await screen.findByRole('list', { name: 'Counts' });
    const { counts: c } = mockState().reads.overview.body;
    const failed = within(counts).getByRole('link', {
      name: new RegExp(`^Failed \\(24 h\\) ${c.failed24h}`),
    });
    expect(failed).toHaveAttribute('href', '/tasks?status=failed');
    expect(failed.closest('li')).toHaveClass(c.failed24h ? 'stat-bad' : 'stat-idle');
    expect(within(counts).getByRole('link', { name: /^Rolled back/ })).toHaveAttribute(
      'href',
      '/tasks?status=rolled-back',
    );
    expect(within(counts).getByRole('link', { name: /^Awaiting approval/ })).toHaveAttribute(
      'href',
      '/tasks?status=awaiting-approval',
    );
    expect(within(counts).getByRole('link', { name: /^Deliveries/ })).toHaveAttribute('href', '/events');
    expect(within(counts).getAllByRole('link')).toHaveLength(8);
  });

  it('units worst first (failed, updating, rolled back, never, succeeded), each linking to its page', async () => {
    renderApp('/');
    await screen.findByRole('heading', { name: 'Units' });
    const { units } = mockState().reads.overview.body;
    const rank = (s: string | null) => (s === 'failed' ? 0 : s && s !== 'succeeded' ? 2 : !s ? 3 : 4);
    const expected = [...units]
      .sort((a, b) => rank(a.lastStatus) - rank(b.lastStatus) || a.unit.localeCompare(b.unit))
      .map((u) => u.unit);
    await waitFor(() => expect(unitRows().map(nameOf)).toEqual(expected));
    expect(within(unitsCard()).getByRole('link', { name: 'web.service' })).toHaveAttribute(
      'href',
      '/units/web.service',
    );
  });

  it('a unit a queued or running task moves shows as updating, before the ones that went well', async () => {
    renderApp('/', { profile: 'busy' });
    await screen.findByRole('heading', { name: 'Units' });
    const inFlight = mockState().tasks.filter(
      (t) => t.task.status === 'running' || t.task.status === 'queued',
    );
    const isMoving = (u: { unit: string; image: string | null }) => inFlight.some((t) => concerns(t.task, u));
    const moving = new Set(
      mockState()
        .reads.overview.body.units.filter(isMoving)
        .map((u) => u.unit),
    );
    const known = mockState().reads.overview.body.units.filter((u) => moving.has(u.unit));
    expect(known.length).toBeGreaterThan(0);
    await waitFor(() => {
      const row = unitRows().find((r) => nameOf(r) === known[0]!.unit)!;
      expect(within(row).getByText('updating')).toBeInTheDocument();
    });
    const order = unitRows().map(nameOf);
    const firstOk = order.findIndex((n) =>
      mockState().reads.overview.body.units.some(
        (u) => u.unit === n && u.lastStatus === 'succeeded' && !moving.has(n),
      ),
    );
    if (firstOk >= 0) expect(order.indexOf(known[0]!.unit)).toBeLessThan(firstOk);
  });

  it('the recent feed names the units a webhook task ran on, its image tag, and why it failed', async () => {
    renderApp('/', { profile: 'degraded' });
    const feed = (await screen.findByRole('heading', { name: 'Recent tasks' })).closest('section')!;
    const failed = mockState().reads.overview.body.recentTasks.find(
      (t) => t.units === null && t.status === 'failed' && (t.outcomes?.length ?? 0) > 1,
    )!;
    const link = within(feed)
      .getAllByRole('link', { name: failed.outcomes!.map((o) => o.unit).join(', ') })
      .find((a) => a.getAttribute('href') === `/tasks?task=${failed.id}`)!;
    expect(link).toBeDefined();
    const item = link.closest('li')!;
    expect(item).toHaveTextContent(failed.image!.split('/').at(-1)!);
    const why = failed.outcomes!.find((o) => o.status === 'failed')!;
    expect(item).toHaveTextContent(`${why.unit}: ${why.reason!.split('\n')[0]}`);
    if (failed.journal) expect(within(item).getByText(failed.journal)).toBeInTheDocument();
  });

  it("a strip of each unit's last updates, each linking to its task", async () => {
    renderApp('/');
    const strip = await screen.findByRole('list', { name: 'Last updates of web.service' });
    const web = mockState().reads.overview.body.units.find((u) => u.unit === 'web.service')!;
    const done = mockState()
      .tasks.filter((t) => concerns(t.task, web) && t.task.finishedAt)
      .slice(0, 8);
    const links = within(strip).getAllByRole('link');
    expect(links.length).toBe(Math.min(done.length, 8));
    // Newest on the right.
    expect(links.at(-1)).toHaveAttribute('href', `/tasks?task=${done[0]!.task.id}`);
  });

  it('the last delivery received, with GitHub redeliver page of the hook when known', async () => {
    renderApp('/');
    const line = await screen.findByLabelText('Last delivery');
    const last = mockState().events.find((e) => e.actor === 'github')!;
    expect(line).toHaveTextContent(`Last delivery received`);
    expect(line).toHaveTextContent(last.outcome);
    const hookTask = mockState().tasks.find((t) => /^github hook \d+$/.test(t.task.actor ?? ''));
    if (hookTask) {
      const hook = hookTask.task.actor!.split(' ').at(-1)!;
      expect(within(line).getByRole('link', { name: 'Redeliver on GitHub' })).toHaveAttribute(
        'href',
        expect.stringMatching(
          new RegExp(`^https://github\\.com/[\\w.-]+/[\\w.-]+/settings/hooks/${hook}\\?tab=deliveries$`),
        ),
      );
    }
  });

  it('empty: no delivery yet says where to start', async () => {
    renderApp('/', { profile: 'empty' });
    expect(await screen.findByText(/No webhook delivery received yet/)).toBeInTheDocument();
  });

  it('the page title carries the failures of the last 24 h', async () => {
    renderApp('/', { profile: 'degraded' });
    const failed = mockState().reads.overview.body.counts.failed24h;
    await waitFor(() =>
      expect(document.title).toBe(`${failed ? `(${failed} failed) ` : ''}Overview · podup`),
    );
  });
});
