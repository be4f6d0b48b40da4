/**
 * Each service's request for a message, in the format that service documents:
 *   ntfy    POST <server>/ JSON {topic, title, message, priority, tags, click} (docs.ntfy.sh/publish/#publish-as-json)
 *   gotify  POST <server>/message JSON {title, message, priority, extras}, X-Gotify-Key (gotify.net/api-docs); the
 *           dedup key in extras under podup's own namespace, `podup::delivery` (gotify.net/docs/msgextras: clients
 *           ignore namespaces they do not know)
 *   slack   POST hooks.slack.com/services/... JSON {text, blocks} (api.slack.com/messaging/webhooks); the dedup
 *           key as the last element of the context block (an incoming webhook takes no other field for it)
 *   discord POST discord.com/api/webhooks/ID/TOKEN JSON {username, embeds} (discord.com/developers/docs/resources/webhook)
 *   matrix  PUT /_matrix/client/v3/rooms/ROOM/send/m.room.message/TXN JSON {msgtype, body, format, formatted_body};
 *           the transaction id is the dedup key: Matrix itself drops a repeated send (spec.matrix.org, client-server API)
 *   teams   POST the workflow's trigger URL (Power Automate "when a Teams webhook request is received") JSON
 *           {type: message, attachments: [an Adaptive Card 1.4]} (learn.microsoft.com, "Create incoming webhooks with
 *           Workflows for Microsoft Teams"; adaptivecards.io): title, text, a link to the panel, the dedup key small
 *   json    POST the message itself as JSON (`version: 1`), signed: X-Podup-Signature-256: sha256=HMAC-SHA256 of the
 *           body with PODUP_NOTIFY_SECRET (GitHub's scheme), X-Podup-Event, X-Podup-Delivery (the dedup key)
 * Pure apart from the signature.
 */
import { createHmac } from 'node:crypto';
import type { NotificationMessage } from '../../domain/notifications/message.js';
import type { ChannelTarget } from '../../domain/notifications/service-url.js';
import { VERSION } from '../../version.js';

export interface ServiceRequest {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: string;
}

const COLOR = { info: 0x2e7d32, warning: 0xf9a825, error: 0xc62828 } as const;
const NTFY_PRIORITY = { info: 3, warning: 4, error: 5 } as const;
const GOTIFY_PRIORITY = { info: 2, warning: 5, error: 8 } as const;
/** Adaptive Cards' named text colours. */
const TEAMS_COLOR = { info: 'Good', warning: 'Warning', error: 'Attention' } as const;
const NTFY_TAGS = { info: 'white_check_mark', warning: 'warning', error: 'rotating_light' } as const;

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** Slack's mrkdwn: &, < and > are its control characters. */
const escapeSlack = (s: string): string =>
  s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);

export const signature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const json = (headers: Record<string, string>) => ({
  'content-type': 'application/json',
  'user-agent': `podup/${VERSION}`,
  ...headers,
});

export function serviceRequest(
  target: ChannelTarget,
  m: NotificationMessage,
  notifySecret: string | undefined,
): ServiceRequest {
  switch (target.kind) {
    case 'ntfy':
      return {
        method: 'POST',
        url: target.endpoint,
        headers: json({ ...target.headers, 'x-podup-delivery': m.dedupKey }),
        body: JSON.stringify({
          topic: target.topic,
          title: m.title,
          message: m.text,
          priority: NTFY_PRIORITY[m.severity],
          tags: [NTFY_TAGS[m.severity], `podup-${m.event}`],
          ...(m.link ? { click: m.link } : {}),
        }),
      };
    case 'gotify':
      return {
        method: 'POST',
        url: target.endpoint,
        headers: json(target.headers),
        body: JSON.stringify({
          title: m.title,
          message: m.text,
          priority: GOTIFY_PRIORITY[m.severity],
          extras: {
            'client::display': { contentType: 'text/plain' },
            ...(m.link ? { 'client::notification': { click: { url: m.link } } } : {}),
            'podup::delivery': { dedupKey: m.dedupKey, event: m.event },
          },
        }),
      };
    case 'slack':
      return {
        method: 'POST',
        url: target.endpoint,
        headers: json(target.headers),
        body: JSON.stringify({
          text: `${m.title}`,
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150) } },
            { type: 'section', text: { type: 'mrkdwn', text: escapeSlack(m.text).slice(0, 3000) } },
            {
              type: 'context',
              elements: [
                ...(m.link ? [{ type: 'mrkdwn', text: `<${m.link}|Open in podup>` }] : []),
                { type: 'plain_text', text: `podup delivery ${m.dedupKey}` },
              ],
            },
          ],
        }),
      };
    case 'discord':
      return {
        method: 'POST',
        url: target.endpoint,
        headers: json(target.headers),
        body: JSON.stringify({
          username: 'podup',
          embeds: [
            {
              title: m.title.slice(0, 256),
              description: m.text.slice(0, 4096),
              color: COLOR[m.severity],
              timestamp: m.time,
              ...(m.link ? { url: m.link } : {}),
              footer: { text: m.dedupKey },
            },
          ],
        }),
      };
    case 'matrix':
      return {
        method: 'PUT',
        url: `${target.endpoint}/${encodeURIComponent(`podup-${m.dedupKey}`)}`,
        headers: json(target.headers),
        body: JSON.stringify({
          msgtype: 'm.text',
          body: `${m.title}\n${m.text}`,
          format: 'org.matrix.custom.html',
          formatted_body: `<strong>${escapeHtml(m.title)}</strong><br>${escapeHtml(m.text).replace(/\n/g, '<br>')}`,
        }),
      };
    case 'teams':
      return {
        method: 'POST',
        url: target.endpoint,
        headers: json(target.headers),
        body: JSON.stringify({
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
                    text: m.title,
                    weight: 'Bolder',
                    size: 'Large',
                    wrap: true,
                    color: TEAMS_COLOR[m.severity],
                  },
                  { type: 'TextBlock', text: m.text, wrap: true },
                  {
                    type: 'TextBlock',
                    text: `podup delivery ${m.dedupKey}`,
                    size: 'Small',
                    isSubtle: true,
                    wrap: true,
                  },
                ],
                ...(m.link
                  ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in podup', url: m.link }] }
                  : {}),
              },
            },
          ],
        }),
      };
    case 'json': {
      const body = JSON.stringify({ version: 1, ...m });
      return {
        method: 'POST',
        url: target.endpoint,
        headers: json({
          ...target.headers,
          'x-podup-event': m.event,
          'x-podup-delivery': m.dedupKey,
          ...(notifySecret ? { 'x-podup-signature-256': signature(notifySecret, body) } : {}),
        }),
        body,
      };
    }
  }
}
