/**
 * Each service's request in the shape its documentation gives (the links are in formats.ts): the fields a
 * receiver reads, the method, the URL and the credentials' header. The JSON webhook's signature is checked the
 * way a receiver checks GitHub's.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../../domain/notifications/message.js';
import { parseServiceUrl } from '../../domain/notifications/service-url.js';
import { serviceRequest } from './formats.js';

const MESSAGE: NotificationMessage = {
  event: 'rolled-back',
  dedupKey: 'rolled-back:tsk_7QX',
  time: '2025-03-01T10:00:00.000Z',
  severity: 'warning',
  title: 'web.service: rolled back',
  text: 'web.service: rolled back\nwhy: health gate <failed> & restarted',
  taskId: 'tsk_7QX',
  link: 'https://podup.example.com/tasks?task=tsk_7QX',
  units: [
    {
      unit: 'web.service',
      status: 'rolled-back',
      image: 'ghcr.io/acme/web:stable',
      digestBefore: 'sha256:aaa',
      digestAfter: 'sha256:bbb',
      reason: 'unit failed',
    },
  ],
};

const request = (url: string, secret?: string, message: NotificationMessage = MESSAGE) => {
  const parsed = parseServiceUrl(url);
  if (!parsed.ok) throw new Error(parsed.problem);
  return serviceRequest(parsed.target, message, secret);
};
const body = (url: string) => JSON.parse(request(url).body) as Record<string, unknown>;

describe('service formats', () => {
  it('ntfy: JSON publish to the server root with topic, title, message, priority, tags and click', () => {
    const r = request('ntfy://ntfy.example.com/alerts?token=tk_x');
    expect([r.method, r.url, r.headers.authorization]).toEqual([
      'POST',
      'https://ntfy.example.com/',
      'Bearer tk_x',
    ]);
    expect(JSON.parse(r.body)).toEqual({
      topic: 'alerts',
      title: MESSAGE.title,
      message: MESSAGE.text,
      priority: 4,
      tags: ['warning', 'podup-rolled-back'],
      click: MESSAGE.link,
    });
  });

  it('gotify: POST /message with X-Gotify-Key, title, message, priority, the click extra and the dedup key', () => {
    const r = request('gotify://push.example.com/APPTOKEN');
    expect([r.method, r.url, r.headers['x-gotify-key']]).toEqual([
      'POST',
      'https://push.example.com/message',
      'APPTOKEN',
    ]);
    expect(JSON.parse(r.body)).toEqual({
      title: MESSAGE.title,
      message: MESSAGE.text,
      priority: 5,
      extras: {
        'client::display': { contentType: 'text/plain' },
        'client::notification': { click: { url: MESSAGE.link } },
        'podup::delivery': { dedupKey: MESSAGE.dedupKey, event: 'rolled-back' },
      },
    });
  });

  it('slack: incoming webhook with text and blocks, mrkdwn control characters escaped, the dedup key in the context', () => {
    const b = body('slack://T1/B2/C3');
    expect(request('slack://T1/B2/C3').url).toBe('https://hooks.slack.com/services/T1/B2/C3');
    expect(b.text).toBe(MESSAGE.title);
    expect(b.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: MESSAGE.title } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'web.service: rolled back\nwhy: health gate &lt;failed&gt; &amp; restarted',
        },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `<${MESSAGE.link}|Open in podup>` },
          { type: 'plain_text', text: `podup delivery ${MESSAGE.dedupKey}` },
        ],
      },
    ]);
  });

  it('teams: an Adaptive Card message to the workflow (title, text, link, the dedup key small)', () => {
    const r = request('workflows://prod-1.westeurope.logic.azure.com/wf1/SIG');
    expect([r.method, r.url]).toEqual([
      'POST',
      'https://prod-1.westeurope.logic.azure.com/workflows/wf1/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIG',
    ]);
    expect(JSON.parse(r.body)).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            msteams: { width: 'full' },
            body: [
              {
                type: 'TextBlock',
                text: MESSAGE.title,
                weight: 'Bolder',
                size: 'Large',
                wrap: true,
                color: 'Warning',
              },
              { type: 'TextBlock', text: MESSAGE.text, wrap: true },
              {
                type: 'TextBlock',
                text: `podup delivery ${MESSAGE.dedupKey}`,
                size: 'Small',
                isSubtle: true,
                wrap: true,
              },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open in podup', url: MESSAGE.link }],
          },
        },
      ],
    });
  });

  it('sends the dedup key to every service, also without a link to the panel', () => {
    const unlinked = { ...MESSAGE, link: null };
    for (const url of [
      'ntfy://ntfy.example.com/alerts',
      'gotify://push.example.com/APPTOKEN',
      'slack://T1/B2/C3',
      'discord://123456789012/ABCDEFGHIJKL',
      'matrix://:syt_x@matrix.example.org/!abc:example.org',
      'workflows://prod-1.westeurope.logic.azure.com/wf1/SIG',
      'json://hooks.example.com/podup',
    ]) {
      const r = request(url, undefined, unlinked);
      expect(`${r.url} ${JSON.stringify(r.headers)} ${r.body}`, url).toContain(
        url.startsWith('matrix') ? encodeURIComponent(MESSAGE.dedupKey) : MESSAGE.dedupKey,
      );
    }
    const slack = JSON.parse(request('slack://T1/B2/C3', undefined, unlinked).body) as { blocks: unknown[] };
    expect(slack.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'plain_text', text: `podup delivery ${MESSAGE.dedupKey}` }],
    });
  });

  it('discord: execute webhook with an embed (title, description, url, color, timestamp)', () => {
    expect(request('discord://123456789012/ABCDEFGHIJKL').url).toBe(
      'https://discord.com/api/webhooks/123456789012/ABCDEFGHIJKL',
    );
    expect(body('discord://123456789012/ABCDEFGHIJKL')).toEqual({
      username: 'podup',
      embeds: [
        {
          title: MESSAGE.title,
          description: MESSAGE.text,
          url: MESSAGE.link,
          color: 0xf9a825,
          timestamp: MESSAGE.time,
          footer: { text: MESSAGE.dedupKey },
        },
      ],
    });
  });

  it('matrix: PUT m.room.message with the dedup key as the transaction id (Matrix drops a repeat itself)', () => {
    const r = request('matrix://:syt_x@matrix.example.org/!abc:example.org');
    expect(r.method).toBe('PUT');
    expect(r.url).toBe(
      'https://matrix.example.org/_matrix/client/v3/rooms/!abc%3Aexample.org/send/m.room.message/podup-rolled-back%3Atsk_7QX',
    );
    expect(r.headers.authorization).toBe('Bearer syt_x');
    expect(JSON.parse(r.body)).toMatchObject({
      msgtype: 'm.text',
      body: `${MESSAGE.title}\n${MESSAGE.text}`,
      format: 'org.matrix.custom.html',
    });
    expect(JSON.parse(r.body).formatted_body).toContain('&lt;failed&gt; &amp; restarted');
  });

  it('json: the message itself, signed sha256=HMAC(secret, body) as GitHub signs, with event and dedup key', () => {
    const r = request('jsons://hooks.example.com/podup', 'notify-secret-0123456789');
    expect(r.url).toBe('https://hooks.example.com/podup');
    expect(JSON.parse(r.body)).toEqual({ version: 1, ...MESSAGE });
    expect(r.headers['x-podup-event']).toBe('rolled-back');
    expect(r.headers['x-podup-delivery']).toBe(MESSAGE.dedupKey);
    const expected = createHmac('sha256', 'notify-secret-0123456789').update(r.body).digest('hex');
    expect(r.headers['x-podup-signature-256']).toBe(`sha256=${expected}`);
    expect(request('json://h:1/p').headers['x-podup-signature-256']).toBeUndefined();
  });
});
