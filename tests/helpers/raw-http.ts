/**
 * HTTP spoken by hand over a TCP socket, for what fetch and inject() cannot send: requests Node's parser
 * refuses (oversized or malformed headers), requests that never finish, pipelined requests.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits what a server wrote into responses (Content-Length framed; enough for podup's answers). */
export function parseResponses(raw: string): RawResponse[] {
  const out: RawResponse[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const bodyStart = end + 4;
    const bodyBytes = Buffer.from(rest.slice(bodyStart), 'latin1').subarray(0, length);
    out.push({ status: Number(statusLine.split(' ')[1]), headers, body: bodyBytes.toString('utf8') });
    rest = Buffer.from(rest.slice(bodyStart), 'latin1').subarray(length).toString('latin1');
  }
  return out;
}

export interface RawConnection {
  socket: Socket;
  write(data: string): void;
  /** Everything the server wrote until it closed the connection. */
  closed: Promise<string>;
}

export function openRaw(port: number, host = '127.0.0.1'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const chunks: Buffer[] = [];
    const closed = new Promise<string>((done) => {
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.on('close', () => done(Buffer.concat(chunks).toString('latin1')));
      socket.on('error', () => undefined);
    });
    socket.once('connect', () => resolve({ socket, write: (d) => socket.write(d, 'latin1'), closed }));
    socket.once('error', reject);
  });
}

/** Sends `data` and returns the responses written before the server closed the connection. */
export async function sendRaw(port: number, data: string): Promise<RawResponse[]> {
  const c = await openRaw(port);
  c.write(data);
  return parseResponses(await c.closed);
}
