/**
 * Server-Sent Events with JSON data. EventSource reconnects by itself and sends Last-Event-ID, so a
 * dropped stream resumes where it stopped; `close()` ends it for good (after an `end` event, or when the
 * view goes away).
 */

export type StreamState = 'connecting' | 'open' | 'closed' | 'unsupported';

export interface StreamOptions {
  /** Event name -> handler of its parsed JSON data and the event id. */
  events: Record<string, (data: unknown, id: string) => void>;
  onState?: (state: StreamState) => void;
}

export interface EventStream {
  close(): void;
}

export function isEventSourceSupported(): boolean {
  return typeof globalThis.EventSource === 'function';
}

export function openEventStream(url: string, options: StreamOptions): EventStream {
  if (!isEventSourceSupported()) {
    options.onState?.('unsupported');
    return { close() {} };
  }
  const source = new EventSource(url, { withCredentials: true });
  let closed = false;
  options.onState?.('connecting');

  source.onopen = () => {
    if (!closed) options.onState?.('open');
  };
  source.onerror = () => {
    if (closed) return;
    // CONNECTING: the browser retries by itself (with Last-Event-ID). CLOSED: it gave up (e.g. 401, 404).
    options.onState?.(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
  };
  for (const [name, handler] of Object.entries(options.events)) {
    source.addEventListener(name, (event: MessageEvent<string>) => {
      if (closed) return;
      let data: unknown;
      try {
        data = JSON.parse(event.data) as unknown;
      } catch {
        return; // not ours: ignore rather than break the stream
      }
      handler(data, event.lastEventId);
    });
  }
  return {
    close() {
      if (closed) return;
      closed = true;
      source.close();
      options.onState?.('closed');
    },
  };
}
