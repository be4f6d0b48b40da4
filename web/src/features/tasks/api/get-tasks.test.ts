import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { ApiTask, TasksPage } from '@contract';
import { getTasksQueryOptions } from './get-tasks';

const task = (status: ApiTask['status']): ApiTask => ({
  id: `tsk_${status}`,
  kind: 'unit-update',
  status,
  image: null,
  units: ['a.service'],
  trigger: 'api',
  delivery: null,
  actor: 'admin',
  caller: null,
  reason: null,
  summary: null,
  attempts: 0,
  retryOf: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  digest: null,
  force: false,
  notBefore: null,
  expiresAt: null,
  approvedBy: null,
});

/** The polling interval the list would use with these pages loaded. */
function intervalWith(pages: TasksPage[]): number | false | undefined {
  const client = new QueryClient();
  const options = getTasksQueryOptions({});
  client.setQueryData(options.queryKey, { pages, pageParams: pages.map(() => undefined) });
  const query = client.getQueryCache().find({ queryKey: options.queryKey })!;
  const interval = options.refetchInterval;
  return typeof interval === 'function' ? interval(query as never) : interval;
}

describe('tasks list polling', () => {
  it('follows running or queued work every 3 s, idles at 20 s, and slows to 30 s with many pages loaded', () => {
    const page = (...statuses: Array<ApiTask['status']>): TasksPage => ({
      tasks: statuses.map(task),
      nextCursor: 'x',
    });
    expect(intervalWith([page('succeeded', 'running')])).toBe(3_000);
    expect(intervalWith([page('succeeded'), page('queued')])).toBe(3_000);
    expect(intervalWith([page('succeeded', 'failed')])).toBe(20_000);
    // Tasks awaiting approval or deferred can wait for days: they do not keep the list at 3 s.
    expect(intervalWith([page('awaiting-approval', 'deferred', 'succeeded')])).toBe(20_000);
    expect(intervalWith([1, 2, 3, 4, 5].map(() => page('running')))).toBe(30_000);
  });
});
