import { useEffect, useId, useRef, useState } from 'react';
import type { ApiTaskLog } from '@contract';
import { Button } from '@/components/button';
import { formatClock, formatDuration } from '@/lib/format';
import type { StreamState } from '@/lib/sse';

const STREAM_LABEL: Record<StreamState | 'idle', string> = {
  idle: '',
  connecting: 'connecting…',
  open: 'live',
  closed: 'stream closed',
  unsupported: 'polling',
};

/** One line as plain text, as a copy gives it: time, step, unit, message. */
export const lineText = (l: ApiTaskLog): string =>
  [l.time, l.level, l.step, l.unit ?? '-', l.message].join(' ');

/**
 * The task's log, newest at the bottom. While live it follows new lines unless you scroll up or pause;
 * paused, new lines wait below a counter until you resume.
 */
export function TaskLog({
  lines,
  live,
  stream,
}: {
  lines: readonly ApiTaskLog[];
  live: boolean;
  stream: StreamState | 'idle';
}) {
  const box = useRef<HTMLOListElement>(null);
  const follow = useRef(true);
  /** Number of lines shown while paused; null when not paused. */
  const [pausedAt, setFrozenAt] = useState<number | null>(null);
  // Once the task is over there is nothing to wait for: show everything.
  const frozenAt = live ? pausedAt : null;
  const held = frozenAt === null ? lines : lines.slice(0, frozenAt);
  const waiting = lines.length - held.length;
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const shown = needle
    ? held.filter((l) => `${l.step} ${l.unit ?? ''} ${l.message}`.toLowerCase().includes(needle))
    : held;
  const searchId = useId();

  useEffect(() => {
    const el = box.current;
    if (el && follow.current && frozenAt === null) el.scrollTop = el.scrollHeight;
  }, [shown.length, frozenAt]);

  return (
    <section className="log" aria-label="Task log">
      <div className="log-head">
        <h3>Log</h3>
        {live && stream !== 'idle' && (
          <span className={`live-pill live-${stream}`} role="status">
            {STREAM_LABEL[stream]}
          </span>
        )}
        <span className="spacer" />
        <label htmlFor={searchId} className="sr-only">
          Search the log
        </label>
        <input
          id={searchId}
          type="search"
          className="log-search"
          placeholder="Search the log"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {needle && (
          <span className="muted small" role="status">
            {shown.length} of {held.length}
          </span>
        )}
        {live && (
          <Button
            size="sm"
            aria-pressed={frozenAt !== null}
            onClick={() => {
              if (frozenAt === null) setFrozenAt(lines.length);
              else {
                follow.current = true;
                setFrozenAt(null);
              }
            }}
          >
            {frozenAt === null ? 'Pause' : waiting > 0 ? `Resume (${waiting} new)` : 'Resume'}
          </Button>
        )}
      </div>
      {shown.length === 0 ? (
        <p className="muted">
          {needle ? 'No line matches.' : live ? 'Waiting for the first line…' : 'No log lines.'}
        </p>
      ) : (
        <ol
          ref={box}
          className="log-lines"
          tabIndex={0}
          aria-label="Log lines"
          onScroll={(e) => {
            const el = e.currentTarget;
            follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          }}
        >
          {shown.map((l) => (
            <li key={l.id} className={`log-line level-${l.level}`}>
              <time dateTime={l.time}>{formatClock(l.time)}</time>
              <span className="log-step">{l.step}</span>
              {l.unit && <span className="log-unit">{l.unit}</span>}
              <span className="log-msg">{l.message}</span>
              {l.durationMs !== null && <span className="log-dur">{formatDuration(l.durationMs)}</span>}
              <button
                type="button"
                className="log-copy"
                aria-label={`Copy line ${l.id}`}
                onClick={() => void navigator.clipboard?.writeText(lineText(l)).catch(() => undefined)}
              >
                Copy
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
