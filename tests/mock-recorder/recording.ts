/**
 * One recording session: the whole podup server on the fakes (buildFakeApp), on simulated time, signed in
 * like the panel. Scenarios drive it (deliveries, triggers, runs); `finish()` turns what it answered into
 * fixture parts with everything volatile normalised away.
 */
import type { ApiTaskDetail } from '../../server/src/contract/api.js';
import type { Recorded } from '../../web/src/testing/mocks/fixture-format.js';
import { buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { packagePublished } from '../helpers/github.js';
import { ACME_ENV, setUpAcmeHost } from './acme-host.js';
import { IdBook, normalise } from './normalise.js';
import { PanelClient } from './panel-client.js';
import { awaitDurableWith, elapse, settle, startSimulatedTime, stopSimulatedTime } from './simulated-time.js';

type Env = Record<string, string | undefined>;

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Stands in the fixtures for the free-text reason a user types (the mocks put the typed one there). */
export const REASON_MARK = '<reason typed in the panel>';

/** What the recorded server's CSRF token becomes in the fixtures (the mocks expect this one). */
export const RECORDED_CSRF = 'recorded-csrf-token';

export class Recording {
  readonly ids = new IdBook();
  readonly client: PanelClient;
  private csrf: string | undefined;
  /** Random values the session met (API tokens, channel ids) and what the fixtures say instead. */
  private readonly standIns = new Map<string, string>();

  private constructor(readonly t: FakeTestApp) {
    this.client = new PanelClient(t, (answer) => this.ids.see(answer.body));
  }

  /** A fresh server on a fresh fake host, its clock at the recording epoch; `acme`: with the acme units. */
  static async open(env: Env = {}, options: { acme?: boolean; signIn?: boolean } = {}): Promise<Recording> {
    stopSimulatedTime();
    startSimulatedTime();
    const acme = options.acme ?? true;
    const t = await buildFakeApp({
      PODUP_WEB_DIST: '/usr/share/podup/web',
      // Scenarios span days: the panel's session outlives them.
      PODUP_SESSION_TTL: '30d',
      ...(acme ? ACME_ENV : {}),
      ...env,
    });
    awaitDurableWith(() => t.podup.state.durable());
    if (acme) setUpAcmeHost(t);
    const rec = new Recording(t);
    if (options.signIn ?? true) await rec.signIn();
    return rec;
  }

  async signIn(token?: string): Promise<Recorded> {
    const answer = await this.client.signIn(token);
    if (answer.status === 200) this.csrf = (answer.body as { csrfToken: string }).csrfToken;
    return answer;
  }

  later = elapse;

  /** `value` (random each run) is written `as` in the fixtures. */
  standIn(value: string, as: string): void {
    this.standIns.set(value, as);
  }

  /** What the outbox has due now goes out (the worker's timers do not run on simulated time). */
  async notify(): Promise<void> {
    await settle(this.t.podup.services.dispatcher.drain(), 'the notification outbox');
  }

  /** Pushes `version` of `image` to the fake registry and delivers GitHub's package event for it. */
  async publish(
    image: string,
    version: string,
    options: { crashes?: boolean; url?: string; delivery?: string } = {},
  ): Promise<Recorded & { delivery: string; digest: string }> {
    const pushed = this.t.host.push(image, version, { crashes: options.crashes ?? false });
    const [, owner = '', name = '', tag = ''] = /^ghcr\.io\/([^/]+)\/([^:]+):(.+)$/.exec(image) ?? [];
    const payload = packagePublished({ owner, name, tag, digest: pushed.digest });
    return { ...(await this.client.deliver('package', payload, options)), digest: pushed.digest };
  }

  /**
   * What the runner's tick does first: approvals past their expiry are cancelled. A recording never starts
   * the runner (each task runs by runNow, when the scenario says), so the scenario says when it looks.
   */
  expireApprovals(): string[] {
    return this.t.podup.state.stores.tasks.expireApprovals(Date.now());
  }

  /** Runs a queued task the way the runner would, a few seconds after it was queued. */
  async run(answer: Recorded): Promise<void> {
    const id = taskIdOf(answer);
    await this.later(3_000);
    const ran = await settle(this.t.podup.services.runner.runNow(id), `task ${id}`);
    if (!ran) throw new Error(`recorder: task ${id} was not queued`);
    await this.notify();
  }

  async detail(id: string): Promise<ApiTaskDetail> {
    const answer = await this.client.get(`/api/tasks/${id}`);
    if (answer.status !== 200) throw new Error(`recorder: GET /api/tasks/${id} answered ${answer.status}`);
    return answer.body as ApiTaskDetail;
  }

  /** The log lines of a task, read from the store: no request, so no event-log row. */
  logOf(id: string): string[] {
    return this.t.podup.state.stores.journals.logs(id).map((l) => l.message);
  }

  /** `value` with this session's volatile parts (ids, tokens, temp paths) replaced; then closes it. */
  async finish<T>(value: T): Promise<T> {
    const tokens = new Map<string, string>(this.standIns);
    if (this.csrf) tokens.set(this.csrf, RECORDED_CSRF);
    const out = normalise(value, { ids: this.ids, stateDir: this.t.stateDir, tokens });
    await this.t.close();
    stopSimulatedTime();
    return out;
  }
}

export function taskIdOf(answer: Recorded): string {
  const body = answer.body as { taskId?: string; retryTaskId?: string } | null;
  const id = body?.taskId ?? body?.retryTaskId;
  if (!id) throw new Error(`recorder: no task in the answer ${JSON.stringify(answer.body)}`);
  return id;
}
