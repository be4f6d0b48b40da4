/**
 * GET /api/tasks/:id/log as Server-Sent Events: the backlog (after Last-Event-ID), then live lines from the
 * task's shared feed (`event: log`, id = log id), ending with `event: end` ({status, summary}) when the task
 * ends. Admin only; each credential may hold PODUP_MAX_STREAMS_PER_CREDENTIAL open (429 beyond), and a stream
 * ends with the session or API token that opened it (sign-out, revoke, expiry; a token is checked again before
 * each write, so a revocation podup did not hear of ends it too). A stream that ends without `event: end` is
 * resumed by EventSource.
 * Needs read; also at /api/v1/tasks/:id/log.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { toApiLog } from '../../contract/views.js';
import type { TaskLogRow } from '../../domain/ports/index.js';
import type { TaskRecord } from '../../domain/tasks/task.js';
import { api, type RequireScope } from '../api-paths.js';
import type { Deps } from '../deps.js';
import { streamCredential, type StreamRegistry } from '../stream-registry.js';
import type { FeedSubscriber, TaskFeeds } from '../task-feeds.js';

/** A stream never outlives this; EventSource reconnects with Last-Event-ID and continues. */
const MAX_STREAM_MS = 30 * 60_000;
/** A client that stopped reading is cut once this much waits for it, rather than growing podup's memory. */
const MAX_BUFFERED_BYTES = 1 << 20;

export interface LogStreams {
  feeds: TaskFeeds;
  registry: StreamRegistry;
  /** Ends a token's streams when it is revoked; subscribes at the first stream, not while the app is built. */
  watchRevocations: () => void;
}

class LogStream implements FeedSubscriber {
  private closed = false;
  /** Set once subscribed: leaves the task's feed. */
  leave: () => void = () => undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly onClose: () => void,
    /** Whether the credential that opened the stream still grants; false: the stream ends instead of sending. */
    private readonly grants: () => boolean,
  ) {}

  get open(): boolean {
    return !this.closed;
  }

  line(row: TaskLogRow): void {
    this.write(`id: ${row.id}\nevent: log\ndata: ${JSON.stringify(toApiLog(row))}\n\n`);
  }

  end(task: TaskRecord | undefined): void {
    const data = { status: task?.status ?? 'gone', summary: task?.summary ?? null };
    this.write(`event: end\ndata: ${JSON.stringify(data)}\n\n`);
    this.close();
  }

  cut(): void {
    this.close();
  }

  keepAlive(): void {
    this.write(': keep-alive\n\n');
  }

  /** Ends the response; `reason` goes out as a comment (EventSource ignores it, a person reading sees why). */
  close(reason?: string): void {
    if (this.closed) return;
    if (reason) this.res.write(`: ${reason}\n\n`);
    this.closed = true;
    this.leave();
    this.res.end();
    this.onClose();
  }

  private write(text: string): void {
    if (this.closed) return;
    if (!this.grants()) {
      this.close('token revoked or expired');
      return;
    }
    this.res.write(text);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) this.close();
  }
}

export function taskLogRoutes(
  deps: Deps,
  need: RequireScope,
  { feeds, registry, watchRevocations }: LogStreams,
) {
  const { queries, audit, tokens } = deps.services;

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', need('read'));

    app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
      api('/tasks/:id/log'),
      async (request, reply) => {
        const id = request.params.id;
        queries.task(id);
        const lastEventId = Number(request.headers['last-event-id'] ?? request.query.after ?? 0);
        const after = Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0;

        // The credential may end (sign-out) while the event row is written, before the stream exists.
        const early: { reason?: string } = {};
        let end = (reason: string): void => void (early.reason = reason);
        watchRevocations();
        const release = registry.admit(streamCredential(request), (reason) => end(reason));
        try {
          // The stream is long-lived: its event row is written now, not when it ends.
          request.audit.taskId = id;
          await audit.record(request.trace, 200);
        } catch (err) {
          release();
          throw err;
        }

        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          // What the hooks set so far (X-Request-Id, the security headers): hijacking skips Fastify's send.
          ...(Object.fromEntries(
            Object.entries(reply.getHeaders()).filter((h) => h[1] !== undefined),
          ) as OutgoingHttpHeaders),
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write('retry: 2000\n\n');

        // An API token as it was when the stream opened: revoked (and perhaps made again) or expired, it no
        // longer grants this stream.
        const tokenName = request.auth.method === 'token' ? request.auth.user : null;
        const held = tokenName === null ? undefined : tokens.current(tokenName);
        const grants =
          tokenName === null
            ? () => true
            : () => held !== undefined && tokens.current(tokenName)?.createdAt === held.createdAt;
        const expiresAt = request.auth.session?.expiresAt ?? held?.expiresAt ?? Infinity;
        const credentialEnds = expiresAt - Date.now() < MAX_STREAM_MS;
        const stream = new LogStream(
          res,
          () => {
            clearTimeout(deadline);
            release();
            request.finishLifecycle();
          },
          grants,
        );
        const deadline = setTimeout(
          () =>
            stream.close(
              credentialEnds ? `${request.auth.session ? 'session' : 'token'} expired` : 'stream time limit',
            ),
          Math.max(0, Math.min(MAX_STREAM_MS, expiresAt - Date.now())),
        );
        end = (reason) => stream.close(reason);
        res.on('close', () => stream.close());
        if (early.reason !== undefined) {
          stream.close(early.reason);
          return;
        }
        try {
          stream.leave = feeds.subscribe(id, after, stream);
        } catch (err) {
          request.log.error({ err }, 'task log stream failed');
          stream.close();
        }
      },
    );
  };
}
