import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '@/components/button';
import { EmptyState } from '@/components/empty-state';
import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { useTasks, type TaskFilters } from '@/features/tasks/api/get-tasks';
import { TaskDrawer } from '@/features/tasks/components/task-drawer';
import { RetryFailed } from '@/features/tasks/components/retry-failed';
import { blockedBy } from '@/features/tasks/components/task-actions';
import { TaskFiltersBar } from '@/features/tasks/components/task-filters';
import { TasksTable } from '@/features/tasks/components/tasks-table';
import {
  TASK_CATEGORIES,
  TaskCategories,
  type TaskCategory,
} from '@/features/tasks/components/task-categories';
import { useNow } from '@/lib/use-now';
import { useReadiness } from '@/features/overview/api/get-readiness';
import { downParts, partName } from '@/features/overview/components/health-banner';

const FILTER_KEYS = ['status', 'kind', 'unit', 'q'] as const;

/** Filters and the open task live in the URL, so a view can be bookmarked or shared. */
export function TasksRoute() {
  const [params, setParams] = useSearchParams();
  const category = TASK_CATEGORIES.find((c) => c.id === params.get('category')) ?? TASK_CATEGORIES[0];
  const chosen: Pick<TaskFilters, 'trigger' | 'kind'> = category.filter;
  const filters = useMemo<TaskFilters>(() => {
    const own = Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined])) as TaskFilters;
    return { ...own, trigger: chosen.trigger, kind: own.kind ?? chosen.kind };
  }, [params, chosen]);
  const setCategory = (c: TaskCategory) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (c === 'all') next.delete('category');
        else next.set('category', c);
        return next;
      },
      { replace: true },
    );
  const taskId = params.get('task');
  const tasks = useTasks(filters);
  const now = useNow();
  const readiness = useReadiness();
  const down = useMemo(
    () => downParts(readiness.data).map((d) => ({ name: partName(d.part), detail: d.detail, hint: d.hint })),
    [readiness.data],
  );

  const hrefFor = useCallback(
    (id: string) => {
      const next = new URLSearchParams(params);
      next.set('task', id);
      return `?${next.toString()}`;
    },
    [params],
  );
  const openTask = useCallback(
    (id: string) =>
      setParams((p) => {
        const next = new URLSearchParams(p);
        next.set('task', id);
        return next;
      }),
    [setParams],
  );
  const closeTask = useCallback(
    () =>
      setParams((p) => {
        const next = new URLSearchParams(p);
        next.delete('task');
        return next;
      }),
    [setParams],
  );
  const setFilters = (f: TaskFilters, { keepCategory = true } = {}) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        for (const k of FILTER_KEYS) {
          // The category's own kind (Maintenance) is not a filter of its own: leaving the category drops it.
          const v = k === 'kind' && keepCategory && f.kind === chosen.kind ? undefined : f[k]?.trim();
          if (v) next.set(k, v);
          else next.delete(k);
        }
        if (!keepCategory) next.delete('category');
        return next;
      },
      { replace: true },
    );

  const rows = useMemo(() => tasks.data?.pages.flatMap((p) => p.tasks) ?? [], [tasks.data]);
  const filtered = FILTER_KEYS.some((k) => filters[k]) || category.id !== 'all';
  // The server counts the matches with the first page.
  const first = tasks.data?.pages[0];
  const total = first?.total === undefined ? undefined : `${first.total}${first.totalCapped ? '+' : ''}`;

  return (
    <>
      <div className="page-head">
        <h1>Tasks</h1>
        {tasks.isFetching && !tasks.isPending && (
          <span className="muted small" role="status">
            Refreshing…
          </span>
        )}
        <span className="spacer" />
        <RetryFailed tasks={rows} now={now} warning={down.length > 0 ? blockedBy(down) : undefined} />
      </div>
      <TaskCategories value={category.id} onChange={setCategory} />
      <TaskFiltersBar value={filters} onChange={setFilters} />
      {tasks.isPending && <Loading label="Loading tasks…" />}
      {tasks.isError && (
        <ErrorMessage error={tasks.error} title="Could not load tasks" onRetry={() => void tasks.refetch()} />
      )}
      {tasks.isSuccess &&
        rows.length === 0 &&
        (filtered ? (
          <EmptyState title="No task matches these filters">
            <Button size="sm" onClick={() => setFilters({}, { keepCategory: false })}>
              Clear filters
            </Button>
          </EmptyState>
        ) : (
          <EmptyState title="No tasks yet">
            Tasks appear here when GitHub reports a new image or when you update a unit from the Units page.
          </EmptyState>
        ))}
      {rows.length > 0 && (
        <>
          <TasksTable tasks={rows} selectedId={taskId} hrefFor={hrefFor} onOpen={openTask} now={now} />
          <div className="list-foot">
            <span className="muted small" role="status">
              Showing {rows.length}
              {total !== undefined ? ` of ${total}` : ''} task
              {(total ?? String(rows.length)) === '1' ? '' : 's'}
              {tasks.hasNextPage ? ' (newest first; more on the server)' : ''}
            </span>
            {tasks.hasNextPage && (
              <Button busy={tasks.isFetchingNextPage} onClick={() => void tasks.fetchNextPage()}>
                Load more
              </Button>
            )}
          </div>
        </>
      )}
      <TaskDrawer taskId={taskId} onClose={closeTask} onOpenTask={openTask} hrefFor={hrefFor} down={down} />
    </>
  );
}
