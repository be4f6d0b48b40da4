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
  source: null,
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
  it('reads the first page every 2 s (new tasks show within ~2 s), several pages at 3 s / 10 s, many at 30 s', () => {
    const page = (...statuses: Array<ApiTask['status']>): TasksPage => ({
      tasks: statuses.map(task),
      nextCursor: 'x',
    });
    expect(intervalWith([page('succeeded', 'running')])).toBe(2_000);
    expect(intervalWith([page('succeeded', 'failed')])).toBe(2_000);
    expect(intervalWith([page('succeeded'), page('queued')])).toBe(3_000);
    // Tasks awaiting approval or deferred can wait for days: they do not keep several pages at 3 s.
    expect(intervalWith([page('awaiting-approval'), page('deferred', 'succeeded')])).toBe(10_000);
    expect(intervalWith([1, 2, 3, 4, 5].map(() => page('running')))).toBe(30_000);
  });
});
