/**
 * What podup shows of its configuration (GET /api/v1/settings, the panel's Settings page; describeConfig) and
 * what it logs never hold a secret: the credentials in PODUP_NOTIFY's service URLs, PODUP_NOTIFY_SECRET,
 * PODUP_METRICS_TOKEN, the webhook secret, the admin token. The notification channels' list shows them redacted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settings } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET } from '../helpers/github.js';

const SECRETS = {
  ntfyTopic: 'secret-topic-4711',
  ntfyToken: 'tk_ntfysecret0815',
  gotify: 'AgotifyAppToken42',
  discord: 'discordWebhookTokenZZZ',
  matrix: 'syt_matrixAccessToken77',
  jsonPass: 'json-basic-pass-31',
  notifySecret: 'notify-secret-value-0123456789',
  metricsToken: 'metrics-token-value-0123456789',
};

let t: FakeTestApp;
beforeEach(async () => {
  t = await buildFakeApp({
    PODUP_NOTIFY: [
      `ntfy://ntfy.example.com/${SECRETS.ntfyTopic}?token=${SECRETS.ntfyToken}`,
      `gotify://push.example.com/${SECRETS.gotify}`,
      `discord://123456789012/${SECRETS.discord}`,
      `matrix://:${SECRETS.matrix}@matrix.example.org/!room:example.org`,
      `jsons://ops:${SECRETS.jsonPass}@hooks.example.com/podup`,
    ].join(','),
    PODUP_NOTIFY_SECRET: SECRETS.notifySecret,
    PODUP_METRICS_TOKEN: SECRETS.metricsToken,
  });
});
afterEach(async () => {
  await t.close();
});

const leaks = (text: string): string[] =>
  [...Object.values(SECRETS), SECRET, ADMIN_TOKEN].filter((s) => text.includes(s));

describe('secrets stay out of what podup shows and logs', () => {
  it('GET /api/v1/settings shows each secret as set and each channel redacted', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/settings', headers: adminHeaders });
    expect(res.statusCode).toBe(200);
    const settings = Settings.parse(res.json());
    expect(leaks(res.body)).toEqual([]);
    expect(settings.config).toMatchObject({
      metricsToken: 'set',
      webhookSecret: 'set',
      adminToken: 'set',
      notify: { secret: 'set' },
    });
    const channels = (settings.config as { notify: { channels: Array<{ url: string }> } }).notify.channels;
    expect(channels).toHaveLength(5);
  });

  it('the channel list, a test send and a scrape of /metrics leave no secret in the answers or the logs', async () => {
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/notifications/channels',
      headers: adminHeaders,
    });
    expect(list.statusCode).toBe(200);
    expect(leaks(list.body)).toEqual([]);
    const ids = list.json<{ channels: Array<{ id: string }> }>().channels.map((c) => c.id);
    expect(ids).toHaveLength(5);
    for (const id of ids) {
      const sent = await t.app.inject({
        method: 'POST',
        url: `/api/v1/notifications/channels/${id}/test`,
        headers: adminHeaders,
      });
      expect(sent.statusCode).toBe(202);
    }
    await t.podup.services.dispatcher.drain();
    const scrape = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${SECRETS.metricsToken}` },
    });
    expect(scrape.statusCode).toBe(200);
    expect(leaks(scrape.body)).toEqual([]);
    t.podup.state.writes.flush();
    expect(leaks(t.logs.join('\n'))).toEqual([]);
  });
});
