/**
 * Channels as service URLs, in the convention operators know from Apprise and Shoutrrr:
 *   ntfy://[user:pass@]host[:port][/prefix]/topic   (?token=tk_... for an access token)
 *   gotify://host[:port][/prefix]/APP_TOKEN
 *   slack://TOKEN_A/TOKEN_B/TOKEN_C                 (the three parts of a hooks.slack.com/services/ URL)
 *   discord://WEBHOOK_ID/WEBHOOK_TOKEN              (or discord://TOKEN@WEBHOOK_ID, Shoutrrr's form)
 *   matrix://[user]:ACCESS_TOKEN@host[:port]/!room:server   (or ?rooms=!room:server)
 *   workflows://host[:port]/WORKFLOW_ID/SIGNATURE    (Microsoft Teams through a Power Automate workflow, Apprise's
 *                                                    form: the host, the id after workflows/ and the sig= of its
 *                                                    URL; ?pa=yes for a powerautomate/automations/direct URL)
 *   json://host[:port]/path, jsons://...            (the generic webhook, signed with PODUP_NOTIFY_SECRET)
 * ntfy, gotify and matrix are reached over https (their `...s://` form too) unless `?scheme=http` (Shoutrrr's
 * switch, also `?disabletls=yes`); json:// is http and jsons:// https (Apprise's). `?events=failed,rolled-back`
 * selects events on any of them. A list (PODUP_NOTIFY) separates URLs by commas; a comma inside `?events=`
 * belongs to its URL. The URLs hold secrets: only `redactServiceUrl` may be shown. Pure.
 */
import { DEFAULT_EVENTS, isNotifyEvent, NOTIFY_EVENTS, type NotifyEvent } from './events.js';

import type { ChannelKind } from './channel-kinds.js';

export { CHANNEL_KINDS, type ChannelKind } from './channel-kinds.js';

/** Where and how one channel is reached: everything the sender needs, secrets included. */
export interface ChannelTarget {
  kind: ChannelKind;
  /** The http(s) URL of the request (for matrix, the room's send path without the transaction id). */
  endpoint: string;
  /** Credentials as headers (Authorization, X-Gotify-Key). */
  headers: Record<string, string>;
  /** ntfy's topic. */
  topic?: string;
  events: NotifyEvent[];
}

const SCHEMES: Record<string, { kind: ChannelKind; https: boolean }> = {
  ntfy: { kind: 'ntfy', https: true },
  ntfys: { kind: 'ntfy', https: true },
  gotify: { kind: 'gotify', https: true },
  gotifys: { kind: 'gotify', https: true },
  slack: { kind: 'slack', https: true },
  discord: { kind: 'discord', https: true },
  matrix: { kind: 'matrix', https: true },
  matrixs: { kind: 'matrix', https: true },
  workflows: { kind: 'teams', https: true },
  workflow: { kind: 'teams', https: true },
  json: { kind: 'json', https: false },
  jsons: { kind: 'json', https: true },
};

/** Parameters podup reads itself; for json:// everything else stays on the receiver's URL. */
const OWN_PARAMS = new Set(['events', 'scheme', 'disabletls', 'token', 'rooms']);

/** The path segments of `text` after `scheme://` (query dropped), as written: case kept, decoded. */
const rawSegments = (text: string, scheme: string): string[] =>
  (text.slice(scheme.length + 3).split('?')[0] ?? '')
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));

export type Parsed = { ok: true; target: ChannelTarget } | { ok: false; problem: string };

const fail = (problem: string): Parsed => ({ ok: false, problem });

function parseEvents(value: string | null): NotifyEvent[] | string {
  if (value === null) return [...DEFAULT_EVENTS];
  const names = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (names.includes('all')) return [...NOTIFY_EVENTS];
  const unknown = names.filter((n) => !isNotifyEvent(n));
  if (unknown.length > 0 || names.length === 0)
    return `events: ${unknown.join(', ') || '(none)'} unknown; choose from ${NOTIFY_EVENTS.join(', ')} or all`;
  return names as NotifyEvent[];
}

const segments = (url: URL): string[] =>
  url.pathname
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${decodeURIComponent(user)}:${decodeURIComponent(pass)}`).toString('base64')}`;

export function parseServiceUrl(raw: string): Parsed {
  const text = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  const known = scheme ? SCHEMES[scheme] : undefined;
  if (!scheme || !known)
    return fail(`a channel URL starts with one of ${Object.keys(SCHEMES).join(', ')} followed by ://`);
  const query = new URLSearchParams(text.split('?').slice(1).join('?'));
  const events = parseEvents(query.get('events'));
  if (typeof events === 'string') return fail(events);
  const plain =
    query.get('scheme')?.toLowerCase() === 'http' || /^(yes|true|1)$/i.test(query.get('disabletls') ?? '');
  const proto = known.https && !plain ? 'https' : 'http';
  // Slack's and Discord's parts are tokens, not a host: the URL parser would refuse or lower-case them.
  let url = new URL('http://unused/');
  if (known.kind !== 'slack' && known.kind !== 'discord') {
    try {
      // WHATWG URL parses special schemes only; the rest of the URL is the same under http.
      url = new URL(`http://${text.slice(scheme.length + 3)}`);
    } catch {
      return fail(`${scheme}:// URL cannot be parsed`);
    }
  }
  const hostPort = url.host;
  const parts = segments(url);

  switch (known.kind) {
    case 'ntfy': {
      const topic = parts.pop();
      if (!hostPort || !topic) return fail('ntfy://host/topic: name the server and the topic');
      const headers: Record<string, string> = {};
      const token = query.get('token');
      if (token) headers.authorization = `Bearer ${token}`;
      else if (url.username) headers.authorization = basic(url.username, url.password);
      const prefix = parts.map(encodeURIComponent).join('/');
      return {
        ok: true,
        target: { kind: 'ntfy', endpoint: `${proto}://${hostPort}/${prefix}`, headers, topic, events },
      };
    }
    case 'gotify': {
      const token = parts.pop();
      if (!hostPort || !token)
        return fail('gotify://host/APP_TOKEN: name the server and the application token');
      const prefix = parts.map((p) => `/${encodeURIComponent(p)}`).join('');
      return {
        ok: true,
        target: {
          kind: 'gotify',
          endpoint: `${proto}://${hostPort}${prefix}/message`,
          headers: { 'x-gotify-key': token },
          events,
        },
      };
    }
    case 'slack': {
      // Tokens are case-sensitive: read them from the text, not from the URL parser's lower-cased host.
      const tokens = rawSegments(text, scheme);
      if (tokens.length !== 3 || tokens.some((t) => !/^[A-Za-z0-9_-]+$/.test(t)))
        return fail('slack://TOKEN_A/TOKEN_B/TOKEN_C: the three parts of the incoming webhook URL');
      return {
        ok: true,
        target: {
          kind: 'slack',
          endpoint: `https://hooks.slack.com/services/${tokens.join('/')}`,
          headers: {},
          events,
        },
      };
    }
    case 'discord': {
      const raw = rawSegments(text, scheme);
      const at = raw.length === 1 ? (raw[0]?.indexOf('@') ?? -1) : -1;
      const [id, token] =
        at >= 0
          ? [raw[0]?.slice(at + 1) ?? '', raw[0]?.slice(0, at) ?? '']
          : [raw[0] ?? '', raw.length === 2 ? (raw[1] ?? '') : ''];
      if (!/^\d{5,30}$/.test(id) || !/^[A-Za-z0-9_-]{10,}$/.test(token))
        return fail('discord://WEBHOOK_ID/WEBHOOK_TOKEN: the two parts of the webhook URL');
      return {
        ok: true,
        target: {
          kind: 'discord',
          endpoint: `https://discord.com/api/webhooks/${id}/${token}`,
          headers: {},
          events,
        },
      };
    }
    case 'matrix': {
      const token = decodeURIComponent(url.password || url.username);
      const room = query.get('rooms') ?? parts[0];
      if (!hostPort || !token || !room || !room.startsWith('!') || room.includes(','))
        return fail(
          'matrix://:ACCESS_TOKEN@host/!room:server: one room id (starting with !) and an access token',
        );
      return {
        ok: true,
        target: {
          kind: 'matrix',
          endpoint: `${proto}://${hostPort}/_matrix/client/v3/rooms/${encodeURIComponent(room)}/send/m.room.message`,
          headers: { authorization: `Bearer ${token}` },
          events,
        },
      };
    }
    case 'teams': {
      // The workflow's trigger URL: its signature is the credential (case kept, as written).
      const [workflow, signature, ...rest] = rawSegments(text, scheme).slice(1);
      if (!hostPort || !workflow || !signature || rest.length > 0)
        return fail('workflows://host/WORKFLOW_ID/SIGNATURE: the parts of the workflow URL (its sig=)');
      if (!/^[A-Za-z0-9_-]+$/.test(workflow) || !/^[A-Za-z0-9_-]+$/.test(signature))
        return fail('workflows://host/WORKFLOW_ID/SIGNATURE: letters, digits, - and _ only');
      const direct = /^(yes|true|1)$/i.test(query.get('pa') ?? query.get('powerautomate') ?? '');
      const version =
        query.get('ver') ?? query.get('api-version') ?? (direct ? '2022-03-01-preview' : '2016-06-01');
      const trigger = new URLSearchParams({
        'api-version': version,
        sp: '/triggers/manual/run',
        sv: '1.0',
        sig: signature,
      });
      return {
        ok: true,
        target: {
          kind: 'teams',
          endpoint: `https://${hostPort}${direct ? '/powerautomate/automations/direct' : ''}/workflows/${workflow}/triggers/manual/paths/invoke?${trigger.toString()}`,
          headers: {},
          events,
        },
      };
    }
    case 'json': {
      if (!hostPort) return fail('json://host[:port]/path: name the receiver');
      const keep = new URLSearchParams([...query].filter(([k]) => !OWN_PARAMS.has(k))).toString();
      const headers: Record<string, string> = {};
      if (url.username) headers.authorization = basic(url.username, url.password);
      return {
        ok: true,
        target: {
          kind: 'json',
          endpoint: `${proto}://${hostPort}${url.pathname}${keep ? `?${keep}` : ''}`,
          headers,
          events,
        },
      };
    }
  }
}

/** What may be shown of a channel URL: the service and, where it is no secret, the server. */
export function redactServiceUrl(raw: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw.trim())?.[1]?.toLowerCase() ?? 'unknown';
  const kind = SCHEMES[scheme]?.kind;
  if (kind === 'slack' || kind === 'discord' || !kind) return `${scheme}://…`;
  try {
    const url = new URL(`http://${raw.trim().slice(scheme.length + 3)}`);
    return `${scheme}://${url.host}/…`;
  } catch {
    return `${scheme}://…`;
  }
}

/** "ntfy ntfy.sh", "discord": the service and, where it is no secret, the server. */
export function defaultChannelName(kind: ChannelKind, raw: string): string {
  const host = /^[a-z0-9+.-]+:\/\/([^/…]+)\//i.exec(redactServiceUrl(raw))?.[1];
  return host ? `${kind} ${host}` : kind;
}

/** PODUP_NOTIFY: URLs separated by commas; a comma followed by no `scheme://` belongs to the URL before it. */
export const splitServiceUrls = (list: string): string[] =>
  list
    .split(/,(?=\s*[a-z][a-z0-9+.-]*:\/\/)/i)
    .map((s) => s.trim())
    .filter(Boolean);
