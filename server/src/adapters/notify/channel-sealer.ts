/**
 * Channel URLs at rest: AES-256-GCM with a key derived (HKDF-SHA256) from PODUP_NOTIFY_SECRET, which lives in the
 * configuration, not the state dir. A copied database or backup holds no usable URL; a changed secret makes
 * stored channels unreadable (re-enter them) rather than wrong.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { ChannelSealer } from '../../domain/ports/index.js';

const VERSION_TAG = 'v1';

export function channelSealer(secret: string | undefined): ChannelSealer {
  const key = secret
    ? Buffer.from(hkdfSync('sha256', secret, 'podup', 'notification channel urls', 32))
    : undefined;
  return {
    configured: key !== undefined,
    seal(url) {
      if (!key) throw new Error('PODUP_NOTIFY_SECRET is not set');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(url, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION_TAG}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },
    open(sealed) {
      const [tag, iv, body] = sealed.split('.');
      if (!key || tag !== VERSION_TAG || !iv || !body) return undefined;
      try {
        const bytes = Buffer.from(body, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        return Buffer.concat([
          decipher.update(bytes.subarray(0, bytes.length - 16)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
