import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { journalErrorLine } from '@vocabulary';
import { detailOf, findTask, mockState, resetMocks, tick } from '@/testing/mocks/state';
import { http, HttpResponse } from 'msw';
import { failedSince } from '@/features/tasks/components/retry-failed';
import { server } from '@/testing/mocks/server';
import { connectLiveStream, currentUrl, renderApp } from '@/testing/test-utils';

/**
 * Issue 13: what happened, to which unit, why, and what now. Rows name units first; the drawer opens with the
 * result per unit and the cause; live tasks follow the stream; a part that is down says what to fix.
 */
const rowOf = (id: string) => screen.getByRole('link', { name: taskLink(id) }).closest('tr') as HTMLElement;

/** A webhook task for an image (no units asked) that rolled back, with a journal excerpt. */
const imageTaskWithJournal = () =>
  mockState().tasks.find(
    (t) =>
      t.task.units === null &&
      t.task.status === 'rolled-back' &&
      t.detail.log.some((l) => l.step === 'diagnose'),
  )!;

/** A task row's link: its units, then the task it opens. */
const taskLink = (id: string) => new RegExp(`, open task ${id}$`);

describe('Tasks: unit first', () => {
  it('a row names the units the task ran on, the image tag, why it failed and the journal error line', async () => {
    const entry = imageTaskWithJournal();
    renderApp('/tasks');
    await screen.findByRole('table');
    const cell = within(rowOf(entry.task.id)).getAllByRole('cell')[0]!;
    const units = entry.detail.unitResults.map((u) => u.unit).sort();
    expect(within(cell).getByRole('link')).toHaveTextContent(units.join(', '));
    expect(cell).toHaveTextContent(entry.task.image!.split('/').at(-1)!);
    const failed = entry.detail.unitResults.find((u) => u.status !== 'succeeded' && u.reason)!;
    expect(cell).toHaveTextContent(`${failed.unit}: ${failed.reason!.split('\n')[0]}`);
    const journal = journalErrorLine(entry.detail.log.find((l) => l.step === 'diagnose')!.message)!;
    expect(within(cell).getByText(journal)).toBeInTheDocument();
  });

  it('the unit filter finds a task by the units it ran on; the total counts every match', async () => {
    const entry = imageTaskWithJournal();
    const unit = entry.detail.unitResults[0]!.unit;
    renderApp(`/tasks?unit=${encodeURIComponent(unit)}`);
    await screen.findByRole('table');
    expect(rowOf(entry.task.id)).toBeInTheDocument();
    const matching = mockState().tasks.filter((t) => t.units.includes(unit)).length;
    expect(
      screen.getByText(new RegExp(`^Showing ${Math.min(matching, 50)} of ${matching} task`)),
    ).toBeInTheDocument();
  });
});

describe('Task list total', () => {
  it('says "1000+" when the server stopped counting there', async () => {
    const tasks = mockState()
      .tasks.slice(0, 3)
      .map((t) => t.task);
    server.use(
      http.get('/api/tasks', () =>
        HttpResponse.json({ tasks, nextCursor: 'c', total: 1000, totalCapped: true }),
      ),
    );
    renderApp('/tasks');
    await screen.findByRole('table');
    expect(screen.getByText(/^Showing 3 of 1000\+ tasks/)).toBeInTheDocument();
  });
});

describe('Task drawer: result, cause, log, metadata last', () => {
  it('opens with the result per unit, then the cause, the steps, the log; details last', async () => {
    const entry = imageTaskWithJournal();
    const { user } = renderApp(`/tasks?task=${entry.task.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${entry.task.id}` });
    const result = await within(drawer).findByRole('region', { name: 'Result per unit' });
    const cause = within(drawer).getByRole('region', { name: 'Cause' });
    const steps = within(drawer).getByRole('region', { name: 'Steps' });
    const log = within(drawer).getByRole('region', { name: 'Task log' });
    const details = within(drawer).getByText('Details');
    const order = [result, cause, steps, log, details];
    for (let i = 1; i < order.length; i++)
      expect(
        order[i - 1]!.compareDocumentPosition(order[i]!) & Node.DOCUMENT_POSITION_FOLLOWING,
      ).toBeTruthy();

    // Each unit: its status and digest before -> after.
    for (const u of entry.detail.unitResults) {
      const item = within(result).getByText(u.unit).closest('li') as HTMLElement;
      if (u.digestBefore) expect(within(item).getAllByTitle(u.digestBefore).length).toBeGreaterThan(0);
    }
    // The cause: the journal's error line, and the whole excerpt one click away.
    const journal = journalErrorLine(entry.detail.log.find((l) => l.step === 'diagnose')!.message)!;
    expect(within(cause).getByText(journal)).toBeInTheDocument();
    expect(within(cause).getByText(/Full journal excerpt/)).toBeInTheDocument();

    // Log search keeps the matching lines; every line can be copied.
    const lines = within(log).getByRole('list', { name: 'Log lines' });
    const all = within(lines).getAllByRole('listitem').length;
    await user.type(within(log).getByLabelText('Search the log'), 'rollback');
    const kept = entry.detail.log.filter((l) =>
      `${l.step} ${l.unit ?? ''} ${l.message}`.toLowerCase().includes('rollback'),
    ).length;
    await waitFor(() => expect(within(lines).getAllByRole('listitem')).toHaveLength(kept));
    expect(within(log).getByText(`${kept} of ${all}`)).toBeInTheDocument();
    expect(within(lines).getAllByRole('button', { name: /^Copy line / })).toHaveLength(kept);
  });

  it('a webhook task links the commit GitHub built the image from and the package version, after the result', async () => {
    const entry = mockState().tasks.find((t) => t.task.source?.commitUrl && t.detail.unitResults.length > 0)!;
    const source = entry.task.source!;
    renderApp(`/tasks?task=${entry.task.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${entry.task.id}` });
    const line = await within(drawer).findByLabelText('Source');
    expect(within(line).getByRole('link', { name: source.commit!.slice(0, 12) })).toHaveAttribute(
      'href',
      source.commitUrl,
    );
    expect(within(line).getByRole('link', { name: 'Package version on GitHub' })).toHaveAttribute(
      'href',
      source.page,
    );
    const result = within(drawer).getByRole('region', { name: 'Result per unit' });
    expect(result.compareDocumentPosition(line) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('degraded: Retry says why it will fail, and the drawer names the fix with a link to the overview', async () => {
    resetMocks('degraded');
    const failed = mockState().tasks.find((t) => t.task.status === 'failed')!.task;
    const { user } = renderApp(`/tasks?task=${failed.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${failed.id}` });
    const { dbus } = mockState().reads.readyz.body.checks;
    const next = await within(drawer).findByRole('region', { name: 'Next step' });
    expect(next).toHaveTextContent(dbus.detail);
    if (dbus.hint) expect(next).toHaveTextContent(`Fix: ${dbus.hint}`);
    expect(within(next).getByRole('link', { name: /Service health/ })).toHaveAttribute('href', '/');

    const retry = within(drawer).getByRole('button', { name: 'Retry' });
    expect(retry).not.toHaveClass('btn-primary');
    expect(retry.title).toContain('D-Bus');
    await user.click(retry);
    const confirm = screen.getByRole('dialog', { name: 'Retry this task?' });
    expect(within(confirm).getByRole('alert')).toHaveTextContent(/D-Bus .* is down/);
  });
});

describe('Live is live', () => {
  it('busy: the unit results and the current step follow the stream; stop shows "stop requested"', async () => {
    resetMocks('busy');
    const running = mockState().tasks.find((t) => t.task.status === 'running')!;
    const id = running.task.id;
    const { user, router } = renderApp(`/tasks?task=${id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${id}` });
    expect(await within(drawer).findByRole('status', { name: 'Now' })).toHaveTextContent(/^Running for /);
    await connectLiveStream(id);

    // The recording holds one snapshot of the running task's units (one running, one pending). The server
    // moves the pending one on as the log goes; here it does so from the next frame on.
    const live = mockState().live!;
    const recordedDetail = live.detail.bind(live);
    const pending = detailOf(findTask(id)!).unitResults.find((u) => u.status === 'pending')!;
    expect(pending).toBeDefined();
    live.detail = () => {
      const d = recordedDetail();
      return {
        ...d,
        unitResults: d.unitResults.map((u) => (u.unit === pending.unit ? { ...u, status: 'running' } : u)),
      };
    };
    const reads: string[] = [];
    const listen = ({ request }: { request: Request }) => {
      if (new URL(request.url).pathname === `/api/tasks/${id}`) reads.push(request.url);
    };
    server.events.on('request:start', listen);
    const result = within(drawer).getByRole('region', { name: 'Result per unit' });
    const badgeOf = (unit: string) =>
      (within(result).getByText(unit).closest('li') as HTMLElement).querySelector('.badge')?.textContent;
    expect(badgeOf(pending.unit)).toBe('Pending');
    act(() => tick());
    act(() => tick());
    // While lines stream the detail is re-read (only the lines after the last one held), so the card moves on.
    await waitFor(() => expect(badgeOf(pending.unit)).toBe('Running'), { timeout: 2_000 });
    expect(reads.some((u) => /[?&]after=\d+/.test(u))).toBe(true);
    server.events.removeListener('request:start', listen);
    const now = detailOf(findTask(id)!);
    {
      const last = now.log.at(-1)!;
      await waitFor(() =>
        expect(within(drawer).getByRole('status', { name: 'Now' })).toHaveTextContent(
          last.unit ? `on ${last.unit}` : 'Running',
        ),
      );
      await user.click(within(drawer).getByRole('button', { name: 'Stop' }));
      await user.click(
        within(screen.getByRole('dialog', { name: 'Stop this task?' })).getByRole('button', { name: 'Stop' }),
      );
      expect(await within(drawer).findByText('stop requested')).toBeInTheDocument();
      expect(within(drawer).getByRole('button', { name: 'Stop' })).toBeDisabled();
    }
    expect(currentUrl(router)).toBe(`/tasks?task=${id}`);
  });
});

describe("Next step: the server's hint", () => {
  it('an action refused with a hint shows it in the toast and stays in the drawer', async () => {
    resetMocks('degraded');
    const failed = mockState().tasks.find((t) => t.task.status === 'failed')!.task;
    // What a server with D-Bus down answers: its readiness error, with the check's hint.
    const { body } = mockState().reads.readyz;
    const error = { ...body.error!, hint: body.checks.dbus.hint };
    server.use(
      http.post(`/api/tasks/${failed.id}/retry`, () => HttpResponse.json({ error }, { status: 503 })),
    );
    const { user } = renderApp(`/tasks?task=${failed.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${failed.id}` });
    await user.click(await within(drawer).findByRole('button', { name: 'Retry' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Retry this task?' })).getByRole('button', { name: 'Retry' }),
    );
    const inDrawer = await within(drawer).findByRole('alert');
    expect(inDrawer).toHaveTextContent(`Retry failed: ${error.message}`);
    expect(inDrawer).toHaveTextContent(`Next: ${error.hint}`);
    expect(screen.getAllByText(error.hint!, { exact: false }).length).toBeGreaterThanOrEqual(2);
  });
});

describe('Retry failed tasks since ...', () => {
  it('retries each failed task of the loaded list in the period, once, and says how many', async () => {
    const { user } = renderApp('/tasks');
    await screen.findByRole('table');
    const loaded = mockState()
      .tasks.slice(0, 50)
      .map((t) => t.task);
    const chosen = failedSince(loaded, 86_400_000, Date.now());
    expect(chosen.length).toBeGreaterThan(0);
    await user.click(screen.getByRole('button', { name: 'Retry failed…' }));
    const confirm = screen.getByRole('dialog', { name: 'Retry failed tasks?' });
    expect(within(confirm).getByLabelText('Failed since')).toHaveValue('24h');
    expect(confirm).toHaveTextContent(`${chosen.length} failed task`);
    await user.click(within(confirm).getByRole('button', { name: `Retry ${chosen.length}` }));
    await waitFor(() =>
      expect(
        mockState()
          .tasks.filter((t) => t.task.retryOf !== null)
          .map((t) => t.task.retryOf),
      ).toEqual(expect.arrayContaining(chosen.map((t) => t.id))),
    );
    expect(
      await screen.findByText(`Queued ${chosen.length} retr${chosen.length === 1 ? 'y' : 'ies'}`),
    ).toBeInTheDocument();
  });
});
