/**
 * GET /api/tasks/:id/log as Server-Sent Events: `log` events (ApiTaskLog, id = log id) while the task runs,
 * then one `end` ({status, summary}) and the stream closes. Lines go straight into the task's cached detail,
 * so the drawer shows one log whether a line came by stream or by poll.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ApiTaskDetail, ApiTaskLog } from '@contract';
import { TASK_STATUSES, type TaskStatus } from '@vocabulary';
import { openEventStream, type StreamState } from '@/lib/sse';
import { mergeLogs, taskDetailKey } from './get-task';
import { tasksListKey } from './get-tasks';

export const taskLogUrl = (id: string) => `/api/tasks/${encodeURIComponent(id)}/log`;

/** The task's final status; a task that is gone (pruned) ends the stream without one. */
interface LogEnd {
  status: TaskStatus;
  summary: string | null;
}

const isLog = (v: unknown): v is ApiTaskLog =>
  typeof v === 'object' && v !== null && typeof (v as ApiTaskLog).id === 'number' && 'message' in v;
const isEnd = (v: unknown): v is LogEnd =>
  typeof v === 'object' && v !== null && TASK_STATUSES.includes((v as LogEnd).status);

/** While lines stream, the task's detail (its units' status) is re-read at most this often. */
export const DETAIL_REFRESH_MS = 1_000;

/** Follows the log of `id` while `live`; returns the stream's state for the "live" indicator. */
export function useTaskLogStream(id: string | null, live: boolean): StreamState | 'idle' {
  const queryClient = useQueryClient();
  const [state, setState] = useState<StreamState | 'idle'>('idle');

  useEffect(() => {
    if (!id || !live) return;
    const key = taskDetailKey(id);
    // A line may mean a unit moved on (pending -> running -> its result): the unit results come with the
    // detail, so it is re-read (only the lines after the last one held) at most once per REFRESH_MS.
    let refresh: ReturnType<typeof setTimeout> | undefined;
    const refreshSoon = () => {
      refresh ??= setTimeout(() => {
        refresh = undefined;
        void queryClient.invalidateQueries({ queryKey: key });
      }, DETAIL_REFRESH_MS);
    };
    const stream = openEventStream(taskLogUrl(id), {
      onState: setState,
      events: {
        log: (data) => {
          if (!isLog(data)) return;
          queryClient.setQueryData<ApiTaskDetail>(key, (d) =>
            d ? { ...d, log: mergeLogs(d.log, [data]) } : d,
          );
          refreshSoon();
        },
        end: (data) => {
          stream.close();
          clearTimeout(refresh);
          if (isEnd(data))
            queryClient.setQueryData<ApiTaskDetail>(key, (d) =>
              d ? { ...d, status: data.status, summary: data.summary } : d,
            );
          void queryClient.invalidateQueries({ queryKey: key });
          void queryClient.invalidateQueries({ queryKey: tasksListKey });
          void queryClient.invalidateQueries({ queryKey: ['overview'] });
        },
      },
    });
    return () => {
      clearTimeout(refresh);
      stream.close();
      setState('idle');
    };
  }, [id, live, queryClient]);

  return live ? state : 'idle';
}
