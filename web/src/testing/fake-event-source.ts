/**
 * jsdom has no EventSource. This stand-in records every stream the app opens so a test can play the
 * server's part: open it, send `log` / `end` events, or drop it.
 */
export class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;

  static instances: FakeEventSource[] = [];

  readonly url: string;
  readonly withCredentials: boolean;
  readyState = FakeEventSource.CONNECTING;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;

  constructor(url: string | URL, init?: { withCredentials?: boolean }) {
    super();
    this.url = String(url);
    this.withCredentials = init?.withCredentials ?? false;
    FakeEventSource.instances.push(this);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  /* ---- driven by tests ---- */

  /** The streams currently open (not closed by the app) whose URL ends with `suffix`. */
  static live(suffix = ''): FakeEventSource[] {
    return FakeEventSource.instances.filter(
      (s) => s.readyState !== FakeEventSource.CLOSED && s.url.endsWith(suffix),
    );
  }

  static reset(): void {
    FakeEventSource.instances = [];
  }

  open(): void {
    this.readyState = FakeEventSource.OPEN;
    const e = new Event('open');
    this.onopen?.(e);
    this.dispatchEvent(e);
  }

  /** One server-sent event; `data` is sent as JSON like podup does. */
  emit(type: string, data: unknown, id?: number | string): void {
    if (this.readyState === FakeEventSource.CLOSED) return;
    const e = new MessageEvent(type, {
      data: JSON.stringify(data),
      lastEventId: id === undefined ? '' : String(id),
    });
    if (type === 'message') this.onmessage?.(e);
    this.dispatchEvent(e);
  }

  /** A dropped connection; `fatal` means the browser gave up (no reconnect). */
  fail(fatal = false): void {
    this.readyState = fatal ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    const e = new Event('error');
    this.onerror?.(e);
    this.dispatchEvent(e);
  }
}
