import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { TasksPage } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { isInFlight } from '@/lib/format';

export interface TaskFilters {
  status?: string | undefined;
  kind?: string | undefined;
  /** One trigger, or several comma-separated. */
  trigger?: string | undefined;
  unit?: string | undefined;
  image?: string | undefined;
  /** Substring over id, image, units, caller, reason and summary. */
  q?: string | undefined;
}

/** Tasks per request: the list grows by this much per "Load more", never all 10,000 at once. */
export const TASKS_PAGE_SIZE = 50;

/** GET /api/tasks: newest first, one page per call; nextCursor leads to the next. */
export const getTasks = (
  params: TaskFilters & { cursor?: string | undefined; limit?: number },
  signal?: AbortSignal,
): Promise<TasksPage> =>
  apiRequest<TasksPage>('/api/tasks', {
    signal,
    query: {
      status: params.status,
      kind: params.kind,
      trigger: params.trigger,
      unit: params.unit,
      image: params.image,
      q: params.q?.trim(),
      limit: params.limit ?? TASKS_PAGE_SIZE,
      cursor: params.cursor,
    },
  });

/** How often the first page of the task list is read while the page is visible. */
export const LIST_POLL_MS = 2_000;

export const tasksListKey = ['tasks', 'list'] as const;

export const getTasksQueryOptions = (filters: TaskFilters) =>
  infiniteQueryOptions({
    queryKey: [...tasksListKey, filters],
    queryFn: ({ pageParam, signal }) => getTasks({ ...filters, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While another filter loads, the old rows stay (no flash of an empty table at every key stroke).
    placeholderData: keepPreviousData,
    // New tasks (a webhook, a schedule) appear within ~2 s while the page is visible: a short poll of the
    // first page (TanStack Query pauses it while the tab is hidden). A refetch re-reads every loaded page,
    // so slow down once several are loaded.
    refetchInterval: (q) => {
      const pages = q.state.data?.pages ?? [];
      if (pages.length > 4) return 30_000;
      if (pages.length > 1)
        return pages.some((p) => p.tasks.some((t) => isInFlight(t.status))) ? 3_000 : 10_000;
      return LIST_POLL_MS;
    },
    refetchIntervalInBackground: false,
  });

export const useTasks = (filters: TaskFilters) => useInfiniteQuery(getTasksQueryOptions(filters));
