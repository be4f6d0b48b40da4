/**
 * Caps on open connections, in total and per source, applied where the HTTP server accepts them: the same
 * server whether it listens on an address or on the socket systemd passed. Without them one client held ~20,000
 * idle connections until podup ran out of file descriptors.
 *
 * A connection over a cap never reaches the HTTP parser: it gets a 503 JSON answer and is closed, and the
 * refusals are logged, counted, at most once per REPORT_MS. Connections already open (keep-alive) are untouched.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { sourceKey } from './source-address.js';

export interface ConnectionCaps {
  total: number;
  perSource: number;
  /** Sources that count only against the total (trusted reverse proxies speak for many clients). */
  exempt: (address: string | undefined) => boolean;
}

interface WarnLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

type Reason = 'total' | 'perSource';

const REPORT_MS = 10_000;
/** A refused socket stays open this long at most, so the client can read the 503 before the close. */
const LINGER_MS = 2000;
/** Beyond this many refused sockets still lingering, refusals close at once: refusing must not cost fds. */
const MAX_LINGERING = 64;

const MESSAGES: Record<Reason, string> = {
  total: 'podup has too many open connections; try again shortly',
  perSource: 'too many open connections from this address; close some or try again shortly',
};

function refusalResponse(reason: Reason): string {
  const body = JSON.stringify({ error: { code: 'TOO_MANY_CONNECTIONS', message: MESSAGES[reason] } });
  return [
    'HTTP/1.1 503 Service Unavailable',
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'retry-after: 2',
    'connection: close',
    '',
    body,
  ].join('\r\n');
}

export function capConnections(server: Server, caps: ConnectionCaps, log: WarnLog): void {
  // Node's own listener (the HTTP parser) runs only for the connections admitted below.
  const accept = server.listeners('connection') as Array<(socket: Socket) => void>;
  server.removeAllListeners('connection');

  let open = 0;
  const perSource = new Map<string, number>();
  let lingering = 0;
  const refused: Record<Reason, number> = { total: 0, perSource: 0 };
  const refusedFrom = new Map<string, number>();
  let reporter: NodeJS.Timeout | undefined;

  const report = (): boolean => {
    if (refused.total + refused.perSource === 0) return false;
    const busiest = [...refusedFrom].sort((a, b) => b[1] - a[1])[0];
    log.warn(
      {
        refused: { ...refused },
        open,
        caps: { total: caps.total, perSource: caps.perSource },
        busiestSource: busiest?.[0],
      },
      'connections refused at the connection cap',
    );
    refused.total = refused.perSource = 0;
    refusedFrom.clear();
    return true;
  };

  const refuse = (socket: Socket, reason: Reason, source: string): void => {
    refused[reason]++;
    refusedFrom.set(source, (refusedFrom.get(source) ?? 0) + 1);
    if (!reporter) {
      report();
      reporter = setInterval(() => {
        if (!report()) {
          clearInterval(reporter);
          reporter = undefined;
        }
      }, REPORT_MS).unref();
    }
    socket.on('error', () => undefined);
    if (lingering >= MAX_LINGERING) {
      socket.destroy();
      return;
    }
    lingering++;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => {
      lingering--;
      clearTimeout(timer);
    });
    // Whatever the client sends is read and dropped: closing with unread data would reset the connection and
    // could lose the 503 on the way.
    socket.once('end', () => socket.destroy());
    socket.resume();
    socket.end(refusalResponse(reason));
  };

  server.on('connection', (socket: Socket) => {
    const source = sourceKey(socket.remoteAddress);
    const fromSource = perSource.get(source) ?? 0;
    if (open >= caps.total) return refuse(socket, 'total', source);
    if (fromSource >= caps.perSource && !caps.exempt(socket.remoteAddress))
      return refuse(socket, 'perSource', source);
    open++;
    perSource.set(source, fromSource + 1);
    socket.once('close', () => {
      open--;
      const left = (perSource.get(source) ?? 1) - 1;
      if (left > 0) perSource.set(source, left);
      else perSource.delete(source);
    });
    for (const listener of accept) listener.call(server, socket);
  });

  server.once('close', () => {
    if (reporter) clearInterval(reporter);
    reporter = undefined;
  });
}
