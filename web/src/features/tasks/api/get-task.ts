import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ApiTaskDetail, ApiTaskLog } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { isActive, isInFlight } from '@/lib/format';

/** GET /api/tasks/:id (with `after`, only the log lines after that id). */
export const getTask = (id: string, opts: { after?: number | undefined; signal?: AbortSignal } = {}) =>
  apiRequest<ApiTaskDetail>(`/api/tasks/${encodeURIComponent(id)}`, {
    signal: opts.signal,
    query: { after: opts.after },
  });

export const taskDetailKey = (id: string) => ['tasks', 'detail', id] as const;

/** Log lines by id, without duplicates, in order (the stream and the polls overlap). */
export function mergeLogs(a: readonly ApiTaskLog[], b: readonly ApiTaskLog[]): ApiTaskLog[] {
  if (b.length === 0) return a as ApiTaskLog[];
  const last = a.at(-1)?.id ?? -Infinity;
  if (b.every((l) => l.id > last)) return [...a, ...b].sort((x, y) => x.id - y.id);
  const byId = new Map<number, ApiTaskLog>();
  for (const l of a) byId.set(l.id, l);
  for (const l of b) byId.set(l.id, l);
  return [...byId.values()].sort((x, y) => x.id - y.id);
}

export const getTaskQueryOptions = (id: string) =>
  queryOptions({
    queryKey: taskDetailKey(id),
    // Refreshes ask only for the lines after the last one held, so a long log is fetched once.
    queryFn: async ({ signal, client }) => {
      const previous = client.getQueryData<ApiTaskDetail>(taskDetailKey(id));
      const after = previous?.log.at(-1)?.id;
      const fresh = await getTask(id, { after, signal });
      return previous && after !== undefined ? { ...fresh, log: mergeLogs(previous.log, fresh.log) } : fresh;
    },
    // A waiting task is read now and then, so the drawer sees it start (deferred) or expire.
    refetchInterval: (q) => {
      const status = q.state.data?.status;
      if (!status || !isActive(status)) return false;
      return isInFlight(status) ? 3_000 : 30_000;
    },
    staleTime: 2_000,
  });

export const useTask = (id: string | null) =>
  useQuery({ ...getTaskQueryOptions(id ?? ''), enabled: Boolean(id) });
