/**
 * The recorder runs the server on vitest's fake timers: Date, performance and the timers podup sleeps on are
 * simulated, so every time, duration and health window in a recording is the same on every run. setImmediate
 * stays real (the write batcher commits on it): simulated time only moves when nothing else is left to run.
 * Math.random answers one half (a schedule's random delay).
 */
import { vi } from 'vitest';

/** Where every recording's clock starts: fixture times are shifted to "now" when the mocks load them. */
export const RECORDING_EPOCH = Date.UTC(2025, 0, 6, 9, 0, 0);

export function startSimulatedTime(): void {
  vi.useFakeTimers({
    now: RECORDING_EPOCH,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  });
  // A schedule's random delay is drawn with Math.random: the same draw on every run.
  random ??= vi.spyOn(Math, 'random').mockReturnValue(0.5);
}

let random: { mockRestore(): void } | undefined;

export function stopSimulatedTime(): void {
  vi.useRealTimers();
  random?.mockRestore();
  random = undefined;
}

const realTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

let durable: (() => Promise<void>) | undefined;

/** How drain() waits for the commits' fsync, which runs on the thread pool in real time (the recording's podup). */
export function awaitDurableWith(wait: (() => Promise<void>) | undefined): void {
  durable = wait;
}

/** Lets pending I/O and commits run, without moving simulated time. */
export async function drain(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await realTurn();
    await durable?.();
  }
}

/** Moves simulated time from timer to timer until `done()` holds (a task ran, a stream ended, ...). */
export async function runUntil(done: () => boolean, what: string, limitMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  await drain();
  while (!done()) {
    if (Date.now() > deadline || vi.getTimerCount() === 0)
      throw new Error(`recorder: ${what} did not happen within ${limitMs} ms of simulated time`);
    await vi.advanceTimersToNextTimerAsync();
    await drain();
  }
}

/** Waits for `promise`, moving simulated time as it needs. */
export async function settle<T>(promise: Promise<T>, what: string): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  await runUntil(() => settled, what);
  return watched;
}

/** Simulated time passes (between deliveries, days of history). */
export async function elapse(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await drain();
}
