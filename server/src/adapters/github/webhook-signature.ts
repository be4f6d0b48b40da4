/**
 * GitHub's X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw request body with the webhook secret.
 * Compared in constant time. The legacy SHA-1 X-Hub-Signature is deliberately not accepted.
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookSignatures } from '../../domain/ports/index.js';

export type SignatureVerdict = 'ok' | 'missing' | 'malformed' | 'mismatch';

const HEADER = /^(?:sha256=)?([0-9a-f]{64})$/i;

export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function verifySignature(secret: string, body: Buffer, header: string | undefined): SignatureVerdict {
  if (header === undefined || header.trim() === '') return 'missing';
  const m = HEADER.exec(header.trim());
  if (!m?.[1]) return 'malformed';
  const given = Buffer.from(m[1], 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected) ? 'ok' : 'mismatch';
}

/** The WebhookSignatures port over the configured secret (undefined: webhooks are refused). */
export function githubSignatures(secret: string | undefined): WebhookSignatures {
  return {
    configured: secret !== undefined,
    verify(raw, header) {
      if (secret === undefined) return 'invalid';
      const verdict = verifySignature(
        secret,
        Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
        header,
      );
      return verdict === 'ok' || verdict === 'missing' ? verdict : 'invalid';
    },
    sign: (body) => (secret === undefined ? undefined : signBody(secret, body)),
  };
}
