import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeEventSource } from '@/testing/fake-event-source';
import { getDb, getTask, resetDb, subscribe, tick } from '@/testing/mocks/db';
import { renderApp } from '@/testing/test-utils';

/**
 * The mock server's runner produces the events (tick), the fake EventSource delivers them to the app: the
 * same path a real stream takes, minus the network.
 */
async function connect(taskId: string) {
  await waitFor(() => expect(FakeEventSource.live(`/api/tasks/${taskId}/log`)).toHaveLength(1));
  const [stream] = FakeEventSource.live(`/api/tasks/${taskId}/log`);
  if (!stream) throw new Error('the drawer opened no log stream');
  const unsubscribe = subscribe(taskId, (e) =>
    e.type === 'log'
      ? stream.emit('log', e.log, e.log.id)
      : stream.emit('end', { status: e.status, summary: e.summary }),
  );
  act(() => stream.open());
  return { stream, unsubscribe };
}

const logLines = (drawer: HTMLElement) =>
  within(within(drawer).getByRole('list', { name: 'Log lines' }))
    .getAllByRole('listitem')
    .map((li) => li.querySelector('.log-msg')?.textContent);

describe('Live task log', () => {
  it('busy: streams lines as they are logged, pauses on request, and ends with the result', async () => {
    resetDb('busy');
    const running = getDb().tasks.find((t) => t.task.status === 'running')!;
    const id = running.task.id;
    const { user } = renderApp(`/tasks?task=${id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${id}` });
    await waitFor(() => expect(logLines(drawer)).toHaveLength(running.log.length));
    expect(await within(drawer).findByText('connecting…')).toBeInTheDocument();

    const { stream, unsubscribe } = await connect(id);
    expect(await within(drawer).findByText('live')).toBeInTheDocument();
    expect(stream.withCredentials).toBe(true);

    // Auto-scroll: the list follows new lines.
    const list = within(drawer).getByRole('list', { name: 'Log lines' });
    Object.defineProperty(list, 'scrollHeight', { configurable: true, get: () => 5000 });
    Object.defineProperty(list, 'clientHeight', { configurable: true, get: () => 300 });

    act(() => tick());
    const first = running.log.at(-1)!;
    await waitFor(() => expect(logLines(drawer).at(-1)).toBe(first.message));
    expect(list.scrollTop).toBe(5000);

    // A line delivered twice (stream and poll overlap) shows once.
    act(() => stream.emit('log', first, first.id));
    expect(logLines(drawer).filter((m) => m === first.message)).toHaveLength(1);

    // Paused: new lines wait below a counter, and the view does not move.
    await user.click(within(drawer).getByRole('button', { name: 'Pause' }));
    list.scrollTop = 1234;
    act(() => tick());
    act(() => tick());
    const held = running.log.slice(-2).map((l) => l.message);
    const resume = await within(drawer).findByRole('button', { name: 'Resume (2 new)' });
    expect(resume).toHaveAttribute('aria-pressed', 'true');
    expect(logLines(drawer)).not.toContain(held[1]);
    expect(list.scrollTop).toBe(1234);

    await user.click(resume);
    await waitFor(() => expect(logLines(drawer).slice(-2)).toEqual(held));
    expect(list.scrollTop).toBe(5000);

    // Play the task to its end: the `end` event closes the stream and shows the result.
    act(() => {
      while (getTask(id)!.task.status === 'running') tick();
    });
    const done = getTask(id)!.task;
    expect(done.status).toBe('succeeded');
    expect(await within(drawer).findByText(done.summary!)).toBeInTheDocument();
    expect(within(drawer).getAllByText('Succeeded').length).toBeGreaterThan(0);
    expect(stream.readyState).toBe(FakeEventSource.CLOSED);
    expect(within(drawer).queryByRole('button', { name: /Pause|Resume/ })).not.toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    await waitFor(() => expect(logLines(drawer)).toHaveLength(getTask(id)!.log.length));
    unsubscribe();
  });

  it('a dropped stream shows that it is reconnecting; a finished task opens no stream at all', async () => {
    resetDb('busy');
    const running = getDb().tasks.find((t) => t.task.status === 'running')!.task;
    const { user } = renderApp(`/tasks?task=${running.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${running.id}` });
    const { stream, unsubscribe } = await connect(running.id);
    act(() => stream.fail());
    expect(await within(drawer).findByText('connecting…')).toBeInTheDocument();
    act(() => stream.fail(true));
    expect(await within(drawer).findByText('stream closed')).toBeInTheDocument();
    unsubscribe();

    await user.keyboard('{Escape}');
    await waitFor(() => expect(FakeEventSource.live()).toHaveLength(0));

    const finished = getDb().tasks.find((t) => t.task.status === 'succeeded')!.task;
    FakeEventSource.reset();
    const other = renderApp(`/tasks?task=${finished.id}`);
    const d2 = await screen.findAllByRole('dialog', { name: `Task ${finished.id}` });
    expect(d2.length).toBeGreaterThan(0);
    expect(FakeEventSource.instances).toHaveLength(0);
    other.unmount();
  });
});
