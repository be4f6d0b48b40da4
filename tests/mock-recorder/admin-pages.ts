/**
 * The Tokens and Notifications pages' part of a data profile: the lists at the snapshot, then what creating and
 * revoking a token, sending a test to each channel, and adding and removing a channel answered. Random values
 * (the token's plain text, a channel's id) are written as stand-ins.
 */
import type { ApiChannel, ChannelsReply, CreatedToken, TestReply } from '../../server/src/contract/api.js';
import type {
  NotificationsFixture,
  Recorded,
  TokensFixture,
} from '../../web/src/testing/mocks/fixture-format.js';
import type { Recording } from './recording.js';

/** What the fixtures say for the plain text of the token created on the Tokens page. */
export const RECORDED_TOKEN = 'pdp_RECORDEDtokenSHOWNonceRECORDEDtokenSHOWNonce0';

/** The channel added on the Notifications page, as the panel's form sends it. */
const NEW_CHANNEL = {
  name: 'on-call phone',
  url: 'ntfy://ntfy.sh/acme-oncall-7f3a',
  events: ['failed', 'degraded'],
};

export async function recordTokens(rec: Recording): Promise<TokensFixture> {
  const list = await rec.client.get('/api/v1/tokens');
  const body = { name: 'deploy-bot', scopes: ['trigger'], units: ['web*', 'api*'], expires: '90d' };
  const reply = await rec.client.post('/api/v1/tokens', body);
  rec.standIn((reply.body as CreatedToken).token, RECORDED_TOKEN);
  const revoke = await rec.client.delete('/api/v1/tokens/deploy-bot');
  return {
    list: list as TokensFixture['list'],
    create: { body, reply: reply as TokensFixture['create']['reply'] },
    revoke,
  };
}

/** Channel ids of API channels are random: each is written as ch_recorded<n>. */
function standInChannels(rec: Recording, reply: ChannelsReply): void {
  reply.channels
    .filter((c) => c.source === 'api')
    .forEach((c, i) => rec.standIn(c.id, `ch_recorded${i + 1}`));
}

export async function recordNotifications(rec: Recording): Promise<NotificationsFixture> {
  const channels = await rec.client.get('/api/v1/notifications/channels');
  standInChannels(rec, channels.body as ChannelsReply);
  const tests: NotificationsFixture['tests'] = [];
  for (const c of (channels.body as ChannelsReply).channels)
    tests.push({
      channel: c.id,
      reply: (await rec.client.post(`/api/v1/notifications/channels/${c.id}/test`)) as Recorded<TestReply>,
    });
  const add = await rec.client.post('/api/v1/notifications/channels', NEW_CHANNEL);
  const added = add.body as ApiChannel | null;
  if (added?.id) rec.standIn(added.id, 'ch_recordedNew');
  const remove = added?.id
    ? await rec.client.delete(`/api/v1/notifications/channels/${added.id}`)
    : await rec.client.delete('/api/v1/notifications/channels/ch_none');
  await rec.notify();
  return {
    channels: channels as NotificationsFixture['channels'],
    tests,
    add: { body: NEW_CHANNEL, reply: add as NotificationsFixture['add']['reply'] },
    remove,
  };
}
