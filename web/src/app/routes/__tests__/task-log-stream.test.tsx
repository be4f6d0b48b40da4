import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ApiTaskLog } from '@contract';
import { FakeEventSource } from '@/testing/fake-event-source';
import { detailOf, findTask, mockState, resetMocks, tick } from '@/testing/mocks/state';
import { connectLiveStream, playToEnd, renderApp } from '@/testing/test-utils';

/**
 * The running task plays its recorded stream (tick), the fake EventSource delivers the frames to the app:
 * the same path a real stream takes, minus the network.
 */
const logLines = (drawer: HTMLElement) =>
  within(within(drawer).getByRole('list', { name: 'Log lines' }))
    .getAllByRole('listitem')
    .map((li) => li.querySelector('.log-msg')?.textContent);

const runningTask = () => mockState().tasks.find((t) => t.task.status === 'running')!;
const lastLine = (id: string): ApiTaskLog => detailOf(findTask(id)!).log.at(-1)!;

describe('Live task log', () => {
  it('busy: streams lines as they are logged, pauses on request, and ends with the result', async () => {
    resetMocks('busy');
    const running = runningTask();
    const id = running.task.id;
    const { user } = renderApp(`/tasks?task=${id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${id}` });
    await waitFor(() => expect(logLines(drawer)).toHaveLength(running.detail.log.length));
    expect(await within(drawer).findByText('connecting…')).toBeInTheDocument();

    const { stream, unsubscribe } = await connectLiveStream(id);
    expect(await within(drawer).findByText('live')).toBeInTheDocument();
    expect(stream.withCredentials).toBe(true);

    // Auto-scroll: the list follows new lines.
    const list = within(drawer).getByRole('list', { name: 'Log lines' });
    Object.defineProperty(list, 'scrollHeight', { configurable: true, get: () => 5000 });
    Object.defineProperty(list, 'clientHeight', { configurable: true, get: () => 300 });

    act(() => tick());
    const first = lastLine(id);
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
    const held = detailOf(findTask(id)!)
      .log.slice(-2)
      .map((l) => l.message);
    const resume = await within(drawer).findByRole('button', { name: 'Resume (2 new)' });
    expect(resume).toHaveAttribute('aria-pressed', 'true');
    expect(logLines(drawer)).not.toContain(held[1]);
    expect(list.scrollTop).toBe(1234);

    await user.click(resume);
    await waitFor(() => expect(logLines(drawer).slice(-2)).toEqual(held));
    expect(list.scrollTop).toBe(5000);

    // Play the task to its end: the `end` event closes the stream and shows the result it was recorded with.
    playToEnd();
    const done = mockState().data.live!.ends.completed.detail;
    expect(findTask(id)!.task.status).toBe(done.status);
    expect(done.status).toBe('succeeded');
    expect(await within(drawer).findByText(done.summary!)).toBeInTheDocument();
    expect(within(drawer).getAllByText('Succeeded').length).toBeGreaterThan(0);
    expect(stream.readyState).toBe(FakeEventSource.CLOSED);
    expect(within(drawer).queryByRole('button', { name: /Pause|Resume/ })).not.toBeInTheDocument();
    expect(within(drawer).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    await waitFor(() => expect(logLines(drawer)).toHaveLength(done.log.length));
    unsubscribe();
  });

  it('a dropped stream shows that it is reconnecting; a finished task opens no stream at all', async () => {
    resetMocks('busy');
    const running = runningTask().task;
    const { user } = renderApp(`/tasks?task=${running.id}`);
    const drawer = await screen.findByRole('dialog', { name: `Task ${running.id}` });
    const { stream, unsubscribe } = await connectLiveStream(running.id);
    act(() => stream.fail());
    expect(await within(drawer).findByText('connecting…')).toBeInTheDocument();
    act(() => stream.fail(true));
    expect(await within(drawer).findByText('stream closed')).toBeInTheDocument();
    unsubscribe();

    await user.keyboard('{Escape}');
    await waitFor(() => expect(FakeEventSource.live()).toHaveLength(0));

    const finished = mockState().tasks.find((t) => t.task.status === 'succeeded')!.task;
    FakeEventSource.reset();
    const other = renderApp(`/tasks?task=${finished.id}`);
    const d2 = await screen.findAllByRole('dialog', { name: `Task ${finished.id}` });
    expect(d2.length).toBeGreaterThan(0);
    expect(FakeEventSource.instances).toHaveLength(0);
    other.unmount();
  });
});
