/**
 * The task that was running at the snapshot (busy), played back one recorded stream frame per tick. It ends
 * the way it was recorded to end: left alone it completes; a stop or force-stop switches to the stream and
 * end recorded for that action, from the same point on.
 */
import type { ApiTaskDetail, ApiTaskLog } from '@contract';
import type { LiveEnd, LiveTask, Recorded, SseFrame } from './fixture-format';
import { replay, type Rebinding } from './replay';

export type FrameListener = (frame: SseFrame) => void;

/** Frames carry their data as JSON text: rebinding has to happen inside it. */
const replayFrame = (frame: SseFrame, how: Rebinding): SseFrame =>
  frame.data === undefined
    ? frame
    : { ...frame, data: JSON.stringify(replay(JSON.parse(frame.data) as unknown, how)) };

export class LivePlayback {
  private end: LiveEnd = 'completed';
  private played: number;
  private readonly streams: Record<LiveEnd, SseFrame[]>;
  private readonly listeners = new Set<FrameListener>();

  constructor(
    private readonly recorded: LiveTask,
    private readonly how: Rebinding,
  ) {
    const at = (end: LiveEnd) => recorded.ends[end].stream.map((f) => replayFrame(f, how));
    this.streams = { completed: at('completed'), stop: at('stop'), 'force-stop': at('force-stop') };
    const lastId = String(recorded.running.log.at(-1)?.id);
    this.played = this.streams.completed.findIndex((f) => f.id === lastId) + 1;
  }

  get id(): string {
    return this.recorded.running.id;
  }

  get ended(): boolean {
    return this.played >= this.streams[this.end].length;
  }

  /** What the stream has sent so far: the recorded backlog, then the frames played. */
  framesSoFar(): SseFrame[] {
    return this.streams[this.end].slice(0, this.played);
  }

  /** The task's detail now: as recorded while running plus the lines played, or as it ended. */
  detail(): ApiTaskDetail {
    if (this.ended) return replay(this.recorded.ends[this.end].detail, this.how);
    const running = replay(this.recorded.running, this.how);
    const known = new Set(running.log.map((l) => l.id));
    const played = this.framesSoFar()
      .filter((f) => f.event === 'log' && f.data && !known.has(Number(f.id)))
      .map((f) => JSON.parse(f.data ?? 'null') as ApiTaskLog);
    return { ...running, log: [...running.log, ...played] };
  }

  /** One more frame, to every open stream of the task. */
  tick(): void {
    if (this.ended) return;
    const frame = this.streams[this.end][this.played++];
    if (frame) for (const l of this.listeners) l(frame);
  }

  /** POST stop / force-stop while it runs: the recorded reply; the rest is played from that recording. */
  ask(action: 'stop' | 'force-stop'): Recorded | undefined {
    if (this.ended) return undefined;
    this.end = action;
    const reply = this.recorded.ends[action].reply;
    return reply && replay(reply, this.how);
  }

  subscribe(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
