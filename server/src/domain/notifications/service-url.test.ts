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

  it('reads workflows:// (Microsoft Teams through a Power Automate workflow) as Apprise writes it', () => {
    const host = 'prod-161.westeurope.logic.azure.com:443';
    expect(
      target(`workflows://${host}/643e69f83c8944438d68119179a10a64/KODuebWb-Fr0z0eu_6Rj8a?events=all`),
    ).toEqual({
      kind: 'teams',
      endpoint:
        'https://prod-161.westeurope.logic.azure.com:443/workflows/643e69f83c8944438d68119179a10a64/triggers/manual/paths/invoke' +
        '?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=KODuebWb-Fr0z0eu_6Rj8a',
      headers: {},
      events: expect.arrayContaining(['succeeded']),
    });
    // A powerautomate/automations/direct URL (?pa=yes), and an API version of the operator's choosing.
    expect(target('workflow://env.api.powerplatform.com/abc123/SiG?pa=yes').endpoint).toBe(
      'https://env.api.powerplatform.com/powerautomate/automations/direct/workflows/abc123/triggers/manual/paths/invoke' +
        '?api-version=2022-03-01-preview&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SiG',
    );
    expect(target('workflows://h.example.com/abc/SiG?ver=1').endpoint).toContain('api-version=1&');
    for (const url of [
      'workflows://h.example.com/only-one',
      'workflows://h.example.com/a/b/c',
      'workflows://h/a/s%20ig',
    ])
      expect(parseServiceUrl(url).ok, url).toBe(false);
    expect(redactServiceUrl('workflows://h.example.com/abc/SECRETSIG')).toBe('workflows://h.example.com/…');
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
