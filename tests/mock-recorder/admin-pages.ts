/**
 * The Tokens and Notifications pages' part of a data profile: the lists at the snapshot, then what creating and
 * revoking a token, sending a test to each channel, and adding, changing and removing a channel answered (and
 * what changing a channel of PODUP_NOTIFY answers: it is read-only here). Random values
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

/** What the panel's edit form sends for a channel added here: a new name and events. */
const CHANNEL_CHANGE = { name: 'on-call pager', events: ['failed', 'rolled-back', 'degraded'] };

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

export async function recordNotifications(
  rec: Recording,
): Promise<Omit<NotificationsFixture, 'change' | 'changeEnv'>> {
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

/**
 * Changing a channel: one added here (its name and events), one of PODUP_NOTIFY (refused). Recorded last, so
 * the rest of the profile's answers stay as they were.
 */
export async function recordChannelChanges(
  rec: Recording,
  channels: ChannelsReply,
): Promise<Pick<NotificationsFixture, 'change' | 'changeEnv'>> {
  const id = (source: ApiChannel['source']) =>
    channels.channels.find((c) => c.source === source)?.id ?? 'ch_none';
  const change = await rec.client.patch(`/api/v1/notifications/channels/${id('api')}`, CHANNEL_CHANGE);
  const changeEnv = await rec.client.patch(`/api/v1/notifications/channels/${id('env')}`, CHANNEL_CHANGE);
  return {
    change: { body: CHANNEL_CHANGE, reply: change as NotificationsFixture['change']['reply'] },
    changeEnv,
  };
}
