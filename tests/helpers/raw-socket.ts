/**
 * HTTP/1.1 over a raw node:net socket, for what fetch hides: a connection that sends nothing or trickles,
 * a refusal written before any request, keep-alive on one known connection, a stream read as it arrives.
 */
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with the ms from connect to close. */
  closed: Promise<number>;
  /** Waits until `needle` has arrived (or throws after `timeoutMs`). */
  waitFor(needle: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `GET path` on this connection (keep-alive) and resolves with the response head and body. */
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; head: string; body: string }>;
  destroy(): void;
}

export function rawConnect(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let started = 0;
    const waiters = new Set<() => void>();
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      for (const w of waiters) w();
    });
    socket.on('error', () => undefined);
    const closed = new Promise<number>((r) =>
      socket.once('close', () => {
        for (const w of waiters) w();
        r(Date.now() - started);
      }),
    );
    const waitFor = (needle: string | RegExp, timeoutMs = 5000, from = 0): Promise<void> =>
      new Promise((ok, fail) => {
        const found = () =>
          typeof needle === 'string' ? text.includes(needle, from) : needle.test(text.slice(from));
        const check = () => {
          if (found()) done(ok);
          else if (socket.destroyed)
            done(() => fail(new Error(`closed without ${String(needle)}:\n${text}`)));
        };
        const timer = setTimeout(
          () => done(() => fail(new Error(`no ${String(needle)} in:\n${text}`))),
          timeoutMs,
        );
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    socket.once('error', reject);
    socket.once('connect', () => {
      started = Date.now();
      socket.off('error', reject);
      resolve({
        socket,
        received: () => text,
        closed,
        waitFor: (needle, timeoutMs) => waitFor(needle, timeoutMs),
        async get(path, headers = {}) {
          const from = text.length;
          const lines = [
            `GET ${path} HTTP/1.1`,
            'host: 127.0.0.1',
            ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
          ];
          socket.write(`${lines.join('\r\n')}\r\n\r\n`);
          await waitFor(/\r\n\r\n/, 5000, from);
          const reply = text.slice(from);
          const headEnd = reply.indexOf('\r\n\r\n');
          const head = reply.slice(0, headEnd);
          const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
          await waitFor(new RegExp(`\\r\\n\\r\\n[\\s\\S]{${length}}`), 5000, from);
          return {
            status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
            head,
            body: text.slice(from + headEnd + 4, from + headEnd + 4 + length),
          };
        },
        destroy: () => socket.destroy(),
      });
    });
  });
}
