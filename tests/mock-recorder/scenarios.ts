/**
 * The scripted scenarios, one per recorded profile. Each plays a stretch of the acme host's life through
 * the real server (GitHub deliveries, the panel's triggers, the runner) on simulated time, then records.
 */
import { AppError } from '../../server/src/errors.js';
import type {
  DataFixture,
  LiveEnd,
  LiveTask,
  TaskStory,
} from '../../web/src/testing/mocks/fixture-format.js';
import { rawFixture, sign } from '../helpers/github.js';
import { IMAGE, OPS_HOOK } from './acme-host.js';
import { recordAnswers, recordDataProfile, sseFrames, takeSnapshot } from './data-profile.js';
import { DAY, HOUR, MINUTE, Recording, taskIdOf } from './recording.js';
import { runUntil, settle } from './simulated-time.js';

const DISCORD_ID = '1180000000000000001';
const DISCORD_HOOK = `https://discord.com/api/webhooks/${DISCORD_ID}/recordedDiscordWebhookToken`;

/** Ten days of the acme host: every kind of delivery and every way a task ends. */
async function acmeHistory(rec: Recording): Promise<void> {
  const { client } = rec;
  const { host } = rec.t;
  // The bots: CI deploys the web units; Grafana's dashboard reads. A channel added in the panel.
  const ci = await client.post('/api/v1/tokens', {
    name: 'ci-deploy',
    scopes: ['trigger', 'read'],
    units: ['web*'],
  });
  rec.standIn((ci.body as { token: string }).token, 'pdp_RECORDEDciDEPLOYtoken0000000000000000000000000');
  const reader = await client.post('/api/v1/tokens', { name: 'grafana', scopes: ['read'], expires: '365d' });
  rec.standIn((reader.body as { token: string }).token, 'pdp_RECORDEDgrafanaTOKEN00000000000000000000000000');
  await client.post('/api/v1/notifications/channels', {
    name: 'ops discord',
    url: `discord://${DISCORD_ID}/recordedDiscordWebhookToken`,
    events: ['failed', 'rolled-back', 'succeeded'],
  });
  await rec.run(await rec.publish(IMAGE.web, '2'));
  await rec.later(DAY);
  await rec.run(await rec.publish(IMAGE.api, '2'));
  await rec.later(5 * HOUR);
  await client.deliver('ping', rawFixture('ping'));
  await rec.later(40 * MINUTE);
  await client.deliver('package', rawFixture('package-published-npm'));
  await rec.later(DAY);

  const broken = await rec.publish(IMAGE.web, '3', { crashes: true });
  await rec.run(broken);
  const brokenWeb = broken.digest;
  await rec.later(2 * MINUTE);
  await client.deliver('package', rawFixture('package-published-untagged'));
  await rec.later(30 * MINUTE);
  // GitHub redelivers a delivery it thinks was lost: the same id again.
  await rec.publish(IMAGE.web, '3', { crashes: true, delivery: broken.delivery });
  await rec.later(3 * HOUR);
  await client.deliver('package', rawFixture('package-published'), { signature: `sha256=${'0'.repeat(64)}` });
  await rec.later(DAY);

  host.push(IMAGE.web, '4');
  await rec.run(await client.post('/api/units/web.service/update', { reason: 'hotfix for the login page' }));
  await rec.later(2 * HOUR);
  // CI deploys with its token; the ops webhook is down for the day that follows.
  rec.t.adapters.sender.answer(OPS_HOOK, 'down');
  await rec.run(
    await client.post(
      '/api/v1/tasks',
      { units: ['web.service'], caller: 'github-actions', reason: 'release 2.4.0' },
      { headers: { authorization: `Bearer ${(ci.body as { token: string }).token}` } },
    ),
  );
  await rec.later(2 * HOUR);
  const brokenApi = host.push(IMAGE.api, '3', { crashes: true }).digest;
  await rec.run(await client.post('/api/units/api.service/update', {}));
  await rec.later(DAY);

  await rec.notify();
  rec.t.adapters.sender.answer(OPS_HOOK, 200);
  await rec.run(await rec.publish(IMAGE.docs, '2'));
  await rec.later(HOUR);
  const all = await client.post('/api/tasks', { all: true, caller: 'web', reason: 'weekly refresh' });
  await client.post(`/api/tasks/${taskIdOf(all)}/stop`);
  await rec.later(DAY);

  host.down.add('podman');
  await rec.run(await rec.publish(IMAGE.web, '5'));
  host.down.delete('podman');
  await rec.later(4 * HOUR);
  await rec.run(await rec.publish(IMAGE.grafana, '2', { url: '/github-package-update/grafana.service' }));
  await rec.later(DAY);

  host.pullErrors.set(IMAGE.api, [new AppError('REGISTRY_UNAVAILABLE', 'ghcr.io answered 503')]);
  await rec.run(await rec.publish(IMAGE.api, '4'));
  await rec.later(DAY);

  // A burst for one image: the first queues a task, the next ones join it, then the image's limit answers.
  const burst = await rec.publish(IMAGE.web, '6');
  for (let i = 0; i < 4; i++) {
    await rec.later(800);
    await rec.publish(IMAGE.web, '6');
  }
  await rec.run(burst);
  await rec.later(DAY);

  await rec.run(await rec.publish(IMAGE.backup, '2'));
  // backup waits for an approval from here on; the first one it asks for, nobody answers (it expires a day on).
  await client.request('PUT', '/api/units/backup.service/policy', { policy: 'approve' });
  host.push(IMAGE.backup, '3');
  await rec.run(await client.post('/api/units/backup.service/update', { reason: 'monthly base image' }));
  await rec.later(3 * HOUR);
  host.restartResults.set('grafana.service', ['failed']);
  await rec.run(await rec.publish(IMAGE.grafana, '3'));
  await rec.later(21 * HOUR);
  rec.expireApprovals();

  // The Discord webhook was deleted on Discord's side: its deliveries fail from here on (the panel shows it).
  rec.t.adapters.sender.answer(DISCORD_HOOK, 404);
  await rec.run(await rec.publish(IMAGE.web, '7'));
  await rec.later(3 * HOUR);
  await rec.run(await rec.publish(IMAGE.api, '5', { crashes: true }));
  await rec.later(2 * HOUR);
  await rec.run(await client.post('/api/units/proxy.service/update', { reason: 'new certificate' }));
  await rec.later(2 * HOUR);
  // Published without a webhook reaching podup: the Units page shows them as updates available.
  host.push(IMAGE.web, '8');
  host.push(IMAGE.api, '6');
  await rec.later(30 * MINUTE);
  // The hook was edited on GitHub: it pings, and the npm package of the same repository fires too.
  await client.deliver('ping', rawFixture('ping'));
  await rec.later(6 * MINUTE);
  await client.deliver('package', rawFixture('package-published-npm'));
  await rec.later(25 * MINUTE);
  await rec.notify();
  await operatorPolicies(rec, { web: brokenWeb, api: brokenApi });
}

/**
 * The operator takes over from podman-auto-update.timer: policies per unit (api waits for an approval, as
 * backup has since the day before, web only notifies, grafana waits for its window, worker for images three
 * days old), the releases that crashed are skipped; api is updated by force; a nightly check, a weekly prune,
 * a paused refresh of the docs. The check runs and parks what it found; api publishes again, and the next
 * check replaces what waited for the older digest. web is snoozed.
 */
async function operatorPolicies(rec: Recording, broken: { web: string; api: string }): Promise<void> {
  const { client } = rec;
  const { host } = rec.t;
  for (const [unit, body] of [
    ['api.service', { policy: 'approve' }],
    ['web.service', { policy: 'notify' }],
    ['grafana.service', { window: 'Sat 02:00-05:00 Europe/Berlin' }],
    ['worker.service', { minAge: '3d' }],
  ] as const)
    await client.request('PUT', `/api/units/${unit}/policy`, body);
  await client.post('/api/units/web.service/skip', { digest: broken.web });
  await client.post('/api/units/api.service/skip', { digest: broken.api });
  await client.post('/api/units/worker.service/skip', { digest: broken.api });

  // api.service waits for approvals, but this one cannot wait: forced past its policy.
  await rec.run(
    await client.post('/api/units/api.service/update', { force: true, reason: 'security fix, cannot wait' }),
  );
  await rec.later(HOUR);
  host.push(IMAGE.grafana, '4');
  await client.post('/api/schedules', {
    name: 'nightly-check',
    cron: '0 3 * * *',
    zone: 'Europe/Berlin',
    action: 'check',
  });
  await client.post('/api/schedules', {
    name: 'weekly-prune',
    cron: '0 4 * * 0',
    zone: 'UTC',
    action: 'prune',
  });
  await client.post('/api/schedules', {
    name: 'docs-refresh',
    cron: '30 5 * * 1-5',
    zone: 'UTC',
    action: 'update',
    units: ['docs.service'],
    randomDelay: '10m',
    paused: true,
  });
  await rec.later(10 * MINUTE);
  await client.post('/api/schedules/weekly-prune/run');
  await rec.later(5 * MINUTE);
  await rec.run(await client.post('/api/schedules/nightly-check/run'));
  await rec.later(2 * HOUR);
  host.push(IMAGE.api, '7');
  await rec.later(20 * MINUTE);
  await rec.run(await client.post('/api/schedules/nightly-check/run'));
  await rec.later(5 * MINUTE);
  await client.post('/api/units/web.service/snooze', { until: '2d' });
  await rec.later(MINUTE);
}

/** Approvals expire after a day here, so the history holds one nobody answered. */
const IMAGE_LIMIT = { PODUP_RATE_LIMIT_IMAGE: '4/1h', PODUP_APPROVAL_TTL: '1d' };

export async function recordHappyPath(): Promise<DataFixture> {
  const rec = await Recording.open(IMAGE_LIMIT);
  await acmeHistory(rec);
  return recordDataProfile(rec);
}

/** A fresh install: no unit on the host, no webhook secret yet, nothing happened (not even a sign-in). */
export async function recordEmpty(): Promise<DataFixture> {
  const rec = await Recording.open(
    { PODUP_GITHUB_WEBHOOK_SECRET: undefined },
    { acme: false, signIn: false },
  );
  rec.client.useBearer();
  return recordDataProfile(rec);
}

/** The user manager's D-Bus went away an hour ago: the next three deliveries failed on it. */
export async function recordDegraded(): Promise<DataFixture> {
  const rec = await Recording.open();
  await rec.run(await rec.publish(IMAGE.web, '2'));
  await rec.later(6 * HOUR);
  await rec.run(await rec.publish(IMAGE.api, '2'));
  await rec.later(2 * DAY);
  rec.t.host.down.add('systemd');
  for (const [image, version] of [
    [IMAGE.web, '3'],
    [IMAGE.grafana, '2'],
    [IMAGE.api, '3'],
  ] as const) {
    await rec.run(await rec.publish(image, version));
    await rec.later(20 * MINUTE);
  }
  return recordDataProfile(rec);
}

const METRICS_TOKEN = 'prometheus-scrape-token-0123456789abcdef';

/**
 * A real host's afternoon: the panel open in a tab (its reads every 10 s), a Prometheus scraper and health
 * probes (all counted, never rows), a tab whose session had expired, a mistyped sign-in, a scanner looking for
 * admin pages, a delivery signed with an old secret; and among all that the deliveries an operator looks for:
 * GitHub's webhooks and a bot's trigger.
 */
export async function recordRealHost(): Promise<DataFixture> {
  const rec = await Recording.open({ ...IMAGE_LIMIT, PODUP_METRICS_TOKEN: METRICS_TOKEN });
  const { client } = rec;
  const poll = async (minutes: number) => {
    for (let s = 0; s < minutes * 60; s += 10) {
      await client.get('/api/overview');
      await client.get('/api/tasks?limit=50');
      if (s % 30 === 0) {
        await client.get('/healthz', { anonymous: true });
        await client.get('/readyz', { anonymous: true });
        await client.get('/metrics', {
          anonymous: true,
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        });
      }
      await rec.later(10_000);
    }
  };
  const bot = await client.post('/api/v1/tokens', {
    name: 'ci-bot',
    scopes: ['trigger', 'read'],
    units: ['web*'],
  });
  const botToken = (bot.body as { token: string }).token;
  rec.standIn(botToken, 'pdp_recordedCiBotToken');
  await poll(10);
  await rec.run(await rec.publish(IMAGE.web, '2'));
  await poll(5);
  // A tab left open overnight: its session had expired, every read refused until it signed in again.
  for (let i = 0; i < 12; i++) {
    await client.get('/api/overview', { anonymous: true, headers: { cookie: 'podup_session=expired' } });
    await rec.later(5_000);
  }
  await client.post('/api/session', { token: 'not-the-admin-token' }, { anonymous: true });
  await poll(5);
  for (const path of ['/wp-login.php', '/.env', '/admin/config.php', '/.git/config', '/phpmyadmin/'])
    await client.get(path, { anonymous: true });
  const stale = rawFixture('package-published');
  await client.deliver('package', stale, { signature: sign(stale, 'the-secret-before-rotation') });
  await poll(5);
  await rec.run(
    await client.post(
      '/api/v1/tasks',
      { units: ['web.service'], caller: 'deploy pipeline' },
      {
        anonymous: true,
        headers: { authorization: `Bearer ${botToken}` },
      },
    ),
  );
  await poll(5);
  await rec.run(await rec.publish(IMAGE.api, '2'));
  await poll(10);
  // The counts of folded refusals wait in memory for housekeeping's next pass, whose timer simulated time skips.
  await rec.t.podup.services.audit.flush();
  return recordDataProfile(rec);
}

/** Lets the running task go on for `ms` of simulated time. */
async function runFor(ms: number): Promise<void> {
  const until = Date.now() + ms;
  await runUntil(() => Date.now() >= until, `${ms} ms`);
}

/** Busy: an afternoon of deliveries, then one task running (api.service in its health check), two queued. */
async function busyAtSnapshot(): Promise<{ rec: Recording; running: string; run: Promise<boolean> }> {
  const rec = await Recording.open({ PODUP_RATE_LIMIT_IMAGE: 'off' });
  const images = [IMAGE.web, IMAGE.api, IMAGE.grafana, IMAGE.web, IMAGE.backup, IMAGE.api];
  for (let i = 0; i < 8; i++) {
    const image = images[i % images.length] ?? IMAGE.web;
    await rec.run(await rec.publish(image, `b${i}`, { crashes: i % 7 === 3 }));
    await rec.later(17 * MINUTE);
  }
  const queued = await rec.publish(IMAGE.api, 'b8');
  const running = taskIdOf(queued);
  await rec.later(3_000);
  const run = rec.t.podup.services.runner.runNow(running);
  await runUntil(() => rec.logOf(running).includes('restarted api.service'), 'the restart of api.service');
  await rec.publish(IMAGE.web, 'b9');
  await runFor(1_000);
  await rec.client.post('/api/units/grafana.service/update', { reason: 'dashboards plugin' });
  await runFor(3_000);
  return { rec, running, run };
}

/** The running task's stream from the snapshot on; `stop` and `force-stop` are asked right after it opens. */
async function liveEnd(
  rec: Recording,
  running: string,
  run: Promise<boolean>,
  end: LiveEnd,
): Promise<LiveTask['ends'][LiveEnd]> {
  const stream = rec.client.get(`/api/tasks/${running}/log`);
  const reply = end === 'completed' ? undefined : await rec.client.post(`/api/tasks/${running}/${end}`);
  const [, answer] = await settle(Promise.all([run, stream]), `the end of ${running}`);
  const detail = await rec.detail(running);
  return { ...(reply ? { reply } : {}), stream: sseFrames(String(answer.body)), detail };
}

/**
 * The snapshot and its answers come from one session; the running task's three ways to end from three more,
 * each replaying the same afternoon up to the snapshot so the task and its log line ids are the same.
 */
export async function recordBusy(): Promise<DataFixture> {
  const main = await busyAtSnapshot();
  const answers = await recordAnswers(main.rec, { running: main.running });
  const seen = main.rec.ids.size;
  const fixture = await main.rec.finish(answers);

  const ends: Partial<LiveTask['ends']> = {};
  let retry: TaskStory['retry'];
  for (const end of ['completed', 'stop', 'force-stop'] as const) {
    const { rec, running, run } = await busyAtSnapshot();
    await takeSnapshot(rec);
    rec.ids.continueAfter(seen);
    const ended = await liveEnd(rec, running, run, end);
    if (end === 'completed') {
      const reply = await rec.client.post(`/api/tasks/${running}/retry`);
      const recorded = await rec.finish({ ended, retry: { reply, task: await rec.detail(taskIdOf(reply)) } });
      ends[end] = recorded.ended;
      retry = recorded.retry;
    } else ends[end] = await rec.finish(ended);
  }
  const story = fixture.tasks.find((t) => t.detail.status === 'running');
  const { completed, stop, 'force-stop': forceStop } = ends;
  if (!story || !completed || !stop || !forceStop) throw new Error('recorder: busy has no running task');
  story.retry = retry;
  return { ...fixture, live: { running: story.detail, ends: { completed, stop, 'force-stop': forceStop } } };
}
