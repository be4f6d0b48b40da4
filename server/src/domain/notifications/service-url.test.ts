import { describe, expect, it } from 'vitest';
import { DEFAULT_EVENTS } from './events.js';
import { defaultChannelName, parseServiceUrl, redactServiceUrl, splitServiceUrls } from './service-url.js';

const target = (url: string) => {
  const p = parseServiceUrl(url);
  if (!p.ok) throw new Error(p.problem);
  return p.target;
};

describe('parseServiceUrl', () => {
  it('reads ntfy: https by default, a path prefix, basic auth or an access token, ?scheme=http', () => {
    expect(target('ntfy://ntfy.sh/podup-alerts')).toEqual({
      kind: 'ntfy',
      endpoint: 'https://ntfy.sh/',
      headers: {},
      topic: 'podup-alerts',
      events: [...DEFAULT_EVENTS],
    });
    expect(target('ntfy://bob:s%20cret@ntfy.example.com:8443/base/alerts?scheme=http')).toMatchObject({
      endpoint: 'http://ntfy.example.com:8443/base',
      topic: 'alerts',
      headers: { authorization: `Basic ${Buffer.from('bob:s cret').toString('base64')}` },
    });
    expect(target('ntfys://ntfy.sh/t?token=tk_abc').headers).toEqual({ authorization: 'Bearer tk_abc' });
  });

  it('reads gotify, slack, discord (both forms), matrix and json/jsons', () => {
    expect(target('gotify://push.example.com/sub/AbCdEf')).toMatchObject({
      endpoint: 'https://push.example.com/sub/message',
      headers: { 'x-gotify-key': 'AbCdEf' },
    });
    expect(target('slack://T0001/B0002/XXXXXXXX').endpoint).toBe(
      'https://hooks.slack.com/services/T0001/B0002/XXXXXXXX',
    );
    expect(target('discord://123456789012/tok-en_ABCDEFGHIJ').endpoint).toBe(
      'https://discord.com/api/webhooks/123456789012/tok-en_ABCDEFGHIJ',
    );
    expect(target('discord://tok-en_ABCDEFGHIJ@123456789012').endpoint).toBe(
      'https://discord.com/api/webhooks/123456789012/tok-en_ABCDEFGHIJ',
    );
    expect(target('matrix://:syt_token@matrix.example.org/!room:example.org')).toMatchObject({
      endpoint: 'https://matrix.example.org/_matrix/client/v3/rooms/!room%3Aexample.org/send/m.room.message',
      headers: { authorization: 'Bearer syt_token' },
    });
    expect(target('json://10.0.0.5:8080/hooks/podup?key=1&events=failed').endpoint).toBe(
      'http://10.0.0.5:8080/hooks/podup?key=1',
    );
    expect(target('jsons://hooks.example.com/p').endpoint).toBe('https://hooks.example.com/p');
  });

  it('selects events with ?events= (all for every one); the default leaves successes out', () => {
    expect(target('ntfy://h/t?events=failed,rolled-back').events).toEqual(['failed', 'rolled-back']);
    expect(target('ntfy://h/t?events=all').events).toContain('succeeded');
    expect(DEFAULT_EVENTS).not.toContain('succeeded');
    const bad = parseServiceUrl('ntfy://h/t?events=failed,exploded');
    expect(bad).toMatchObject({ ok: false });
    expect(bad.ok ? '' : bad.problem).toContain('exploded');
  });

  it('refuses what it cannot use, without repeating the URL', () => {
    for (const url of [
      'smtp://mail/x',
      'ntfy://host',
      'slack://only/two',
      'discord://notanid/x',
      'matrix://host/!r:x',
      'no scheme',
    ]) {
      const p = parseServiceUrl(url);
      expect(p.ok, url).toBe(false);
    }
  });
});

describe('showing and listing', () => {
  it('redacts everything but the service and, where it is no secret, the server', () => {
    expect(redactServiceUrl('ntfy://user:pw@ntfy.sh/secret-topic')).toBe('ntfy://ntfy.sh/…');
    expect(redactServiceUrl('discord://123456789012/tok')).toBe('discord://…');
    expect(redactServiceUrl('slack://A/B/C')).toBe('slack://…');
    expect(redactServiceUrl('jsons://hooks.example.com/secret?k=v')).toBe('jsons://hooks.example.com/…');
    expect(defaultChannelName('ntfy', 'ntfy://ntfy.sh/x')).toBe('ntfy ntfy.sh');
    expect(defaultChannelName('discord', 'discord://1/2')).toBe('discord');
  });

  it('splits PODUP_NOTIFY on commas that start a new URL, not those of ?events=', () => {
    expect(
      splitServiceUrls(
        'ntfy://h/t?events=failed,rolled-back, json://r:1/p ,gotify://g/TOKEN?events=degraded',
      ),
    ).toEqual(['ntfy://h/t?events=failed,rolled-back', 'json://r:1/p', 'gotify://g/TOKEN?events=degraded']);
  });
});
