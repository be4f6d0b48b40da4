/**
 * A real HTTP receiver on 127.0.0.1 for notification tests: records every request (raw body included), answers
 * 200 or a chosen status, can hang, and can go down (stop listening: connections are refused) and come back
 * on the same port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  private status = 200;
  private reply = { body: '{}', contentType: 'application/json' };
  private hang = false;
  private server: Server | undefined;
  port = 0;

  static async start(port = 0): Promise<Receiver> {
    const r = new Receiver();
    await r.listen(port);
    return r;
  }

  private listen(port: number): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.hang) return;
        this.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: Object.fromEntries(
            Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
          ),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(this.status, { 'content-type': this.reply.contentType }).end(this.reply.body);
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  url(scheme: string, path: string): string {
    return `${scheme}://127.0.0.1:${this.port}${path}`;
  }

  /** Answers `status` from now on, with this body (default: an empty JSON object). */
  answer(status: number, body = '{}', contentType = 'application/json'): void {
    this.status = status;
    this.reply = { body, contentType };
    this.hang = false;
  }

  hangUp(): void {
    this.hang = true;
  }

  /** Stops listening: connections to its port are refused until `up()`. */
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  async up(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  close(): Promise<void> {
    return this.down();
  }
}
