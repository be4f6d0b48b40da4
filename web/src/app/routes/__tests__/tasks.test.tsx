import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TaskActionReply } from '@contract';
import { formatTime } from '@/lib/format';
import { detailOf, findTask, mockState, recordedTransport, resetMocks } from '@/testing/mocks/state';
import { server } from '@/testing/mocks/server';
import { connectLiveStream, currentUrl, playToEnd, renderApp } from '@/testing/test-utils';

/** The units, status and id of each row of the tasks table, in order. */
function tableRows(): Array<{ status: string; id: string }> {
  return rowCells().map(({ status, id }) => ({ status, id }));
}

function rowCells(): Array<{ units: string; status: string; id: string }> {
  const table = screen.getByRole('table');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map((row) => {
      const cells = within(row).getAllByRole('cell');
      return {
        units: cells[0]?.textContent ?? '',
        status: cells[1]?.textContent ?? '',
        id: (cells[2] as HTMLElement).querySelector('.mono')?.textContent ?? '',
      };
    });
}

const firstWith = (status: string) => mockState().tasks.find((t) => t.task.status === status)!.task;

/** A task row's link: its units, then the task it opens. */
const taskLink = (id: string) => new RegExp(`, open task ${id}$`);

describe('Tasks list', () => {
  it('shows the newest 50 tasks and loads 50 more on request, never everything', async () => {
    const { user } = renderApp('/tasks');
    await screen.findByRole('table');
    const all = mockState().tasks.map((t) => t.task.id);
    expect(tableRows().map((r) => r.id)).toEqual(all.slice(0, 50));
    expect(
      screen.getByText(`Showing 50 of ${all.length} tasks (newest first; more on the server)`),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(tableRows()).toHaveLength(100));
    expect(tableRows().map((r) => r.id)).toEqual(all.slice(0, 100));
  });

  it('filters by status and kind through the URL', async () => {
    const { user, router } = renderApp('/tasks');
    await screen.findByRole('table');
    await user.selectOptions(screen.getByLabelText('Status'), 'rolled-back');
    await waitFor(() => expect(currentUrl(router)).toBe('/tasks?status=rolled-back'));
    await waitFor(() => expect(new Set(tableRows().map((r) => r.status))).toEqual(new Set(['Rolled back'])));
    const expected = mockState().tasks.filter((t) => t.task.status === 'rolled-back').length;
    expect(tableRows()).toHaveLength(Math.min(expected, 50));

    await user.selectOptions(screen.getByLabelText('Kind'), 'unit-update');
    await waitFor(() => expect(currentUrl(router)).toBe('/tasks?status=rolled-back&kind=unit-update'));
    const both = mockState().tasks.filter(
      (t) => t.task.status === 'rolled-back' && t.task.kind === 'unit-update',
    );
    await waitFor(() =>
      expect(tableRows().map((r) => r.id)).toEqual(both.slice(0, 50).map((t) => t.task.id)),
    );
  });

  it('searches text (id, image, units, caller, reason, summary) after typing stops', async () => {
    const { user, router } = renderApp('/tasks');
    await screen.findByRole('table');
    const target = mockState().tasks[120]!.task;
    await user.type(screen.getByLabelText('Search'), target.id.slice(4));
    await waitFor(() => expect(tableRows().map((r) => r.id)).toEqual([target.id]));
    expect(currentUrl(router)).toBe(`/tasks?q=${target.id.slice(4)}`);
  });

  it('says when no task matches and clears the filters', async () => {
    const { user } = renderApp('/tasks?q=no-such-thing-anywhere');
    expect(await screen.findByText('No task matches these filters')).toBeInTheDocument();
    expect(screen.getByLabelText('Search')).toHaveValue('no-such-thing-anywhere');
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(tableRows()).toHaveLength(50));
    expect(screen.getByLabelText('Search')).toHaveValue('');
  });

  it('categories: Automatic (scheduler), Maintenance (prune), Manual, each a server-side filter in the URL', async () => {
    const { user, router } = renderApp('/tasks');
    await screen.findByRole('table');
    const categories = screen.getByRole('group', { name: 'Task category' });
    const ids = (keep: (t: ReturnType<typeof firstWith>) => boolean) =>
      mockState()
        .tasks.filter((t) => keep(t.task))
        .slice(0, 50)
        .map((t) => t.task.id);

    await user.click(within(categories).getByRole('button', { name: 'Automatic' }));
    expect(currentUrl(router)).toBe('/tasks?category=automatic');
    expect(within(categories).getByRole('button', { name: 'Automatic' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    // The scheduler's updates and checks; its prunes are Maintenance's.
    const automatic = ids((t) => t.trigger === 'scheduler' && t.kind !== 'maintenance');
    expect(automatic.length).toBeGreaterThan(0);
    expect(
      mockState().tasks.some((t) => t.task.trigger === 'scheduler' && t.task.kind === 'maintenance'),
    ).toBe(true);
    await waitFor(() => expect(tableRows().map((r) => r.id)).toEqual(automatic));

    await user.click(within(categories).getByRole('button', { name: 'Maintenance' }));
    await waitFor(() => expect(tableRows().map((r) => r.id)).toEqual(ids((t) => t.kind === 'maintenance')));
    // Its kind belongs to the category, not to the URL's own filters.
    expect(currentUrl(router)).toBe('/tasks?category=maintenance');
    expect(screen.getByLabelText('Kind')).toHaveValue('maintenance');

    await user.click(within(categories).getByRole('button', { name: 'Manual' }));
    const manual = ids((t) => ['api', 'cli', 'retry'].includes(t.trigger));
    await waitFor(() => expect(tableRows().map((r) => r.id)).toEqual(manual));

    await user.click(within(categories).getByRole('button', { name: 'All' }));
    expect(currentUrl(router)).toBe('/tasks');
    await waitFor(() => expect(tableRows()).toHaveLength(50));
  });

  it('categories Webhook and Automatic ask the server for their trigger and show only its tasks', async () => {
    const { user } = renderApp('/tasks');
    await screen.findByRole('table');
    const categories = screen.getByRole('group', { name: 'Task category' });
    const asked: URLSearchParams[] = [];
    const listen = ({ request }: { request: Request }) => {
      const url = new URL(request.url);
      if (url.pathname === '/api/tasks') asked.push(url.searchParams);
    };
    server.events.on('request:start', listen);
    try {
      for (const [name, trigger, kind] of [
        ['Webhook', 'webhook', null],
        ['Automatic', 'scheduler', 'image-update,unit-update'],
      ] as const) {
        asked.length = 0;
        await user.click(within(categories).getByRole('button', { name }));
        const expected = mockState()
          .tasks.filter((t) => t.task.trigger === trigger && (kind === null || kind.includes(t.task.kind)))
          .slice(0, 50)
          .map((t) => t.task.id);
        expect(expected.length).toBeGreaterThan(0);
        await waitFor(() => expect(tableRows().map((r) => r.id)).toEqual(expected));
        expect(asked.length).toBeGreaterThan(0);
        for (const q of asked) expect([q.get('trigger'), q.get('kind')]).toEqual([trigger, kind]);
        for (const id of expected) expect(findTask(id)?.task.trigger).toBe(trigger);
      }
    } finally {
      server.events.removeListener('request:start', listen);
    }
  });

  it('empty: explains where tasks come from', async () => {
    renderApp('/tasks', { profile: 'empty' });
    expect(await screen.findByText('No tasks yet')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});

describe('Task drawer', () => {
  it('opens from the list with the per-unit steps, digests before and after, and the log; Esc closes it', async () => {
    const { user, router } = renderApp('/tasks');
    await screen.findByRole('table');
    const task = firstWith('rolled-back');
    const rec = findTask(task.id)!.detail;
    const unit = rec.unitResults.find((u) => u.status === 'rolled-back')!;

    await user.click(screen.getByRole('link', { name: taskLink(task.id) }));
    const drawer = await screen.findByRole('dialog', { name: `Task ${task.id}` });
    expect(currentUrl(router)).toBe(`/tasks?task=${task.id}`);
    await within(drawer).findByText(task.summary!);

    const steps = within(drawer).getByRole('region', { name: 'Steps' });
    const unitBox = within(steps).getByText(unit.unit).closest('.timeline-unit') as HTMLElement;
    expect(within(unitBox).getByText('Rolled back')).toBeInTheDocument();
    // Rolled back: the digest after is the one before.
    expect(within(unitBox).getAllByTitle(unit.digestBefore!)).toHaveLength(2);
    expect(within(unitBox).getAllByText(unit.digestBefore!.slice(7, 19), { selector: 'code' })).toHaveLength(
      2,
    );
    // The health check that failed, the roll back, and the health check of the old image again.
    expect(within(unitBox).getAllByText('Health check')).toHaveLength(2);
    expect(within(unitBox).getAllByText('Roll back').length).toBeGreaterThan(0);

    const log = within(drawer).getByRole('list', { name: 'Log lines' });
    expect(within(log).getAllByRole('listitem')).toHaveLength(rec.log.length);
    expect(within(log).getByText(`${unit.unit} is back on its previous image`)).toBeInTheDocument();

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(currentUrl(router)).toBe('/tasks');
  });

  it("shows the rollout: the canary and each unit's place in the order, what the health gate saw", async () => {
    const entry = mockState().tasks.find((t) => t.detail.unitResults.some((u) => u.role === 'canary'))!;
    const canary = entry.detail.unitResults.find((u) => u.role === 'canary')!;
    renderApp(`/tasks?task=${entry.task.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${entry.task.id}` });
    const steps = await within(drawer).findByRole('region', { name: 'Steps' });
    const unitBox = (await within(steps).findByText(canary.unit)).closest('.timeline-unit') as HTMLElement;
    expect(within(unitBox).getByText('canary')).toBeInTheDocument();
    expect(within(unitBox).getByText(`#${canary.position} in the rollout`)).toBeInTheDocument();
    if (canary.health) expect(within(unitBox).getByText(`Health: ${canary.health}`)).toBeInTheDocument();
  });

  it('is reachable by keyboard: Tab to a task, Enter opens it, focus moves into the drawer', async () => {
    const { user } = renderApp('/tasks');
    await screen.findByRole('table');
    const first = mockState().tasks[0]!.task;
    const link = screen.getByRole('link', { name: taskLink(first.id) });
    link.focus();
    await user.keyboard('{Enter}');
    const drawer = await screen.findByRole('dialog', { name: `Task ${first.id}` });
    await waitFor(() => expect(drawer.contains(document.activeElement)).toBe(true));
  });

  it('retry: confirm, toast, and the drawer moves to the new task', async () => {
    const { user, router } = renderApp('/tasks');
    await screen.findByRole('table');
    const failed = firstWith('failed');
    await user.click(screen.getByRole('link', { name: taskLink(failed.id) }));
    const drawer = await screen.findByRole('dialog', { name: `Task ${failed.id}` });
    await user.click(await within(drawer).findByRole('button', { name: 'Retry' }));

    const confirm = screen.getByRole('dialog', { name: 'Retry this task?' });
    expect(confirm).toHaveTextContent('A new task with the same units and image is queued.');
    await user.click(within(confirm).getByRole('button', { name: 'Retry' }));

    const retried = mockState().tasks[0]!.task;
    expect(retried.retryOf).toBe(failed.id);
    expect(await screen.findByText(`queued ${retried.id} as a retry of ${failed.id}`)).toBeInTheDocument();
    expect(await screen.findByRole('dialog', { name: `Task ${retried.id}` })).toBeInTheDocument();
    expect(currentUrl(router)).toBe(`/tasks?task=${retried.id}`);
    // The new task heads the list, queued, and is marked as the open one.
    await waitFor(() => expect(tableRows()[0]).toEqual({ status: 'Queued', id: retried.id }));
    expect(screen.getByRole('link', { name: taskLink(retried.id) }).closest('tr')).toHaveClass('selected');
    const drawerNow = screen.getByRole('dialog', { name: `Task ${retried.id}` });
    expect(within(drawerNow).getByRole('link', { name: failed.id })).toBeInTheDocument();
  });

  it('busy: stop asks first, then the running task is told to stop after its current unit', async () => {
    resetMocks('busy');
    const running = firstWith('running');
    const recorded = mockState().data.live!.ends;
    const { user } = renderApp(`/tasks?task=${running.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${running.id}` });
    await user.click(await within(drawer).findByRole('button', { name: 'Stop' }));
    const confirm = screen.getByRole('dialog', { name: 'Stop this task?' });
    expect(confirm).toHaveTextContent('the units after it are skipped');

    // Cancel changes nothing: left alone, the task ends as it was recorded to.
    await user.click(within(confirm).getByRole('button', { name: 'Cancel' }));
    expect(mockState().live!.ended).toBe(false);

    await user.click(within(drawer).getByRole('button', { name: 'Stop' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Stop this task?' })).getByRole('button', { name: 'Stop' }),
    );
    // Told to stop, not stopped: it still runs its current unit.
    const { message, task } = recorded.stop.reply!.body as TaskActionReply;
    expect(task.status).toBe('running');
    expect(await screen.findByText(message)).toBeInTheDocument();
    // The stop reached the task: it ends the way the server ended a stopped one.
    playToEnd();
    expect(detailOf(findTask(running.id)!)).toMatchObject({
      status: 'cancelled',
      summary: recorded.stop.detail.summary,
    });
    expect(recorded.stop.detail.summary).not.toBe(recorded.completed.detail.summary);
  });

  it('busy: force stop cancels the task (its unit rolled back)', async () => {
    resetMocks('busy');
    const running = firstWith('running');
    const { user } = renderApp(`/tasks?task=${running.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${running.id}` });
    const { unsubscribe } = await connectLiveStream(running.id);
    await user.click(await within(drawer).findByRole('button', { name: 'Force stop' }));
    const confirm = screen.getByRole('dialog', { name: 'Force-stop this task?' });
    await user.click(within(confirm).getByRole('button', { name: 'Force stop' }));
    expect(
      await screen.findByText(
        'stopping now: a unit restarted but not yet verified is rolled back to its previous image',
      ),
    ).toBeInTheDocument();
    playToEnd();
    await waitFor(() => expect(within(drawer).getAllByText('Cancelled').length).toBeGreaterThan(0));
    // Its unit was in the health check: put back on the image it ran before.
    const back = mockState().data.live!.ends['force-stop'].detail.log.findLast((l) => l.step === 'rollback')!;
    const log = within(drawer).getByRole('list', { name: 'Log lines' });
    expect(within(log).getByText(back.message)).toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    unsubscribe();
  });

  it('a stop that comes too late (409: the task already ended) says so in an error toast', async () => {
    resetMocks('busy');
    const running = firstWith('running');
    const { user } = renderApp(`/tasks?task=${running.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${running.id}` });
    await within(drawer).findByRole('button', { name: 'Stop' });
    // The task ends on the server before the click arrives.
    playToEnd();
    await user.click(within(drawer).getByRole('button', { name: 'Stop' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Stop this task?' })).getByRole('button', { name: 'Stop' }),
    );
    // In a toast, and in the drawer where it stays.
    const said = `Stop failed: task ${running.id} already ended (succeeded)`;
    expect(await screen.findAllByText(said)).toHaveLength(2);
    expect(within(drawer).getByRole('alert')).toHaveTextContent(said);
  });

  it('awaiting approval: listed with when it expires; the drawer approves or rejects instead of stopping', async () => {
    const recorded = (action: 'approve' | 'reject') =>
      mockState().data.control.find((c) => c.status === 'awaiting-approval' && c.action === action)!;
    const approve = recorded('approve');
    const { user } = renderApp('/tasks?status=awaiting-approval');
    await screen.findByRole('table');
    const waiting = findTask(approve.subject)!.task;
    const row = screen.getByRole('link', { name: taskLink(waiting.id) }).closest('tr') as HTMLElement;
    expect(within(row).getByText('Awaiting approval')).toBeInTheDocument();
    expect(row).toHaveTextContent(`expires ${formatTime(waiting.expiresAt)}`);

    await user.click(screen.getByRole('link', { name: taskLink(waiting.id) }));
    const drawer = await screen.findByRole('dialog', { name: `Task ${waiting.id}` });
    expect(await within(drawer).findByText('Approval expires')).toBeInTheDocument();
    expect(within(drawer).getByText(waiting.digest!, { selector: 'code' })).toBeInTheDocument();
    expect(within(drawer).queryByRole('button', { name: 'Stop' })).not.toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: `Reject task ${waiting.id}` })).toBeInTheDocument();

    await user.click(within(drawer).getByRole('button', { name: `Approve task ${waiting.id}` }));
    const { message } = approve.reply.body as TaskActionReply;
    expect(await screen.findByText(message)).toBeInTheDocument();
    // Approved, it is queued to run: the decision buttons are gone, Stop is back.
    await waitFor(() => expect(within(drawer).getAllByText('Queued').length).toBeGreaterThan(0));
    expect(within(drawer).getByText('Approved by')).toBeInTheDocument();
    expect(within(drawer).queryByRole('button', { name: /^Approve/ })).not.toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: 'Stop' })).toBeInTheDocument();
  });

  it('deferred: listed with the time it waits for; cancelling it asks first', async () => {
    const deferred = firstWith('deferred');
    const { user } = renderApp(`/tasks?status=deferred&task=${deferred.id}`);
    await screen.findByRole('table');
    const row = screen.getByRole('link', { name: taskLink(deferred.id) }).closest('tr') as HTMLElement;
    expect(row).toHaveTextContent(`until ${formatTime(deferred.notBefore)}`);

    const drawer = await screen.findByRole('dialog', { name: `Task ${deferred.id}` });
    expect(await within(drawer).findByText('Deferred until')).toBeInTheDocument();
    expect(within(drawer).getByText(deferred.summary!)).toBeInTheDocument();
    await user.click(within(drawer).getByRole('button', { name: 'Cancel task' }));
    const confirm = screen.getByRole('dialog', { name: 'Cancel this deferred task?' });
    expect(confirm).toHaveTextContent('It has not started');
    await user.click(within(confirm).getByRole('button', { name: 'Cancel task' }));
    expect(await screen.findByText('cancelled while deferred')).toBeInTheDocument();
    await waitFor(() => expect(within(drawer).getAllByText('Cancelled').length).toBeGreaterThan(0));
    expect(within(drawer).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('rate-limited: the 429 shows as a toast with how long to wait', async () => {
    const { user } = renderApp('/tasks', { profile: 'rate-limited' });
    await screen.findByRole('table');
    const failed = firstWith('failed');
    await user.click(screen.getByRole('link', { name: taskLink(failed.id) }));
    const drawer = await screen.findByRole('dialog', { name: `Task ${failed.id}` });
    await user.click(await within(drawer).findByRole('button', { name: 'Retry' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Retry this task?' })).getByRole('button', { name: 'Retry' }),
    );
    const { body, headers } = recordedTransport().rateLimited;
    const said = `Retry failed: ${body.error.message}. Retry in ${headers['retry-after']} s.`;
    expect(await screen.findAllByText(said)).toHaveLength(2);
    expect(within(drawer).getByRole('alert')).toHaveTextContent(said);
    expect(mockState().tasks.some((t) => t.task.retryOf === failed.id)).toBe(false);
  });

  it('Esc closes the confirmation first, then the drawer', async () => {
    const { user } = renderApp('/tasks');
    await screen.findByRole('table');
    const failed = firstWith('failed');
    await user.click(screen.getByRole('link', { name: taskLink(failed.id) }));
    const drawer = await screen.findByRole('dialog', { name: `Task ${failed.id}` });
    const retry = await within(drawer).findByRole('button', { name: 'Retry' });
    await user.click(retry);
    expect(screen.getByRole('dialog', { name: 'Retry this task?' })).toBeInTheDocument();
    // Cancel has the focus, so Enter would not confirm by accident.
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog', { name: 'Retry this task?' })).not.toBeInTheDocument();
    expect(screen.getByRole('dialog', { name: `Task ${failed.id}` })).toBeInTheDocument();
    await waitFor(() => expect(retry).toHaveFocus());

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
