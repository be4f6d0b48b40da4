/**
 * Headers every answer carries, whatever produced it: routes, errors, the static panel, the SSE stream, and
 * the raw answers to requests Node's parser refused (client-errors.ts). Only the panel's index.html gets the
 * looser CSP a document needs; everything else is never meant to render, so it may load and embed nothing.
 */
import type { FastifyReply } from 'fastify';

export const PANEL_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOTHING_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': NOTHING_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'permissions-policy':
    'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()',
};

/** Sets the headers a route has not set itself (the panel's CSP stays). */
export function applySecurityHeaders(reply: FastifyReply): FastifyReply {
  for (const [name, value] of Object.entries(SECURITY_HEADERS))
    if (!reply.hasHeader(name)) reply.header(name, value);
  return reply;
}
