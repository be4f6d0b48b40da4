/**
 * GET /api/tasks/:id/log as the recording framed it: the recorded preamble, the task's lines from its detail
 * (or, for the running task, the frames played so far and then each new one), and `end` once it has ended.
 */
import type { ApiTaskDetail } from '@contract';
import { isFinished } from '@vocabulary';
import type { SseFrame } from './fixture-format';
import { detailOf, mockState, type MockTask } from './state';

const text = (f: SseFrame): string =>
  `${f.retry === undefined ? '' : `retry: ${f.retry}\n`}${f.id === undefined ? '' : `id: ${f.id}\n`}` +
  `${f.event === undefined ? '' : `event: ${f.event}\n`}${f.data === undefined ? '' : `data: ${f.data}\n`}\n`;

/** A task's whole log in the recorded framing (the frames before the first event: the `retry:` preamble). */
function framesOf(d: ApiTaskDetail): SseFrame[] {
  const recorded = mockState().data.stream?.frames ?? [];
  const preamble = recorded.slice(
    0,
    Math.max(
      0,
      recorded.findIndex((f) => f.event !== undefined),
    ),
  );
  const lines = d.log.map((l) => ({ id: String(l.id), event: 'log', data: JSON.stringify(l) }));
  if (!isFinished(d.status)) return [...preamble, ...lines];
  return [
    ...preamble,
    ...lines,
    { event: 'end', data: JSON.stringify({ status: d.status, summary: d.summary }) },
  ];
}

export function taskStream(t: MockTask, lastEventId: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const live = mockState().live;
  const playing = live && live.id === t.task.id ? live : undefined;
  let unsubscribe: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (f: SseFrame): boolean => {
        if (f.event !== 'log' || Number(f.id) > lastEventId) controller.enqueue(encoder.encode(text(f)));
        return f.event === 'end';
      };
      const sent = (playing ? playing.framesSoFar() : framesOf(detailOf(t))).map(send);
      if (sent.includes(true)) return controller.close();
      // Only the running task goes on; a queued one never runs in the mocks (nothing recorded that).
      unsubscribe = playing?.subscribe((f) => {
        if (!send(f)) return;
        unsubscribe?.();
        controller.close();
      });
    },
    cancel() {
      unsubscribe?.();
    },
  });
}
