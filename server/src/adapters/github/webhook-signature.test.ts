import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './webhook-signature.js';

const SECRET = "It's a Secret to Everybody";
const BODY = readFileSync(
  new URL('../../../../tests/fixtures/github/package-published.json', import.meta.url),
);

/** Independent HMAC, as `openssl dgst -sha256 -hmac SECRET` computes it. */
const hmacHex = (secret: string, body: Buffer | string): string =>
  createHmac('sha256', secret).update(body).digest('hex');

describe('signBody', () => {
  it('is "sha256=" + hex HMAC-SHA256 of the raw body', () => {
    expect(signBody(SECRET, BODY)).toBe(`sha256=${hmacHex(SECRET, BODY)}`);
  });

  it("matches GitHub's documented example", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    expect(signBody("It's a Secret to Everybody", 'Hello, World!')).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('signs a string and the same bytes as a Buffer identically', () => {
    expect(signBody(SECRET, 'héllo')).toBe(signBody(SECRET, Buffer.from('héllo', 'utf8')));
  });

  it('depends on the secret', () => {
    expect(signBody('a', BODY)).not.toBe(signBody('b', BODY));
  });
});

describe('verifySignature', () => {
  const good = `sha256=${hmacHex(SECRET, BODY)}`;

  it('accepts the correct signature', () => {
    expect(verifySignature(SECRET, BODY, good)).toBe('ok');
  });

  it('accepts surrounding whitespace, an uppercase prefix and uppercase hex', () => {
    expect(verifySignature(SECRET, BODY, `  ${good}\t`)).toBe('ok');
    expect(verifySignature(SECRET, BODY, `SHA256=${hmacHex(SECRET, BODY)}`)).toBe('ok');
    expect(verifySignature(SECRET, BODY, `sha256=${hmacHex(SECRET, BODY).toUpperCase()}`)).toBe('ok');
  });

  it('accepts a bare 64-hex digest without prefix', () => {
    expect(verifySignature(SECRET, BODY, hmacHex(SECRET, BODY))).toBe('ok');
  });

  it.each([undefined, '', '   '])('reports %j as missing', (header) => {
    expect(verifySignature(SECRET, BODY, header)).toBe('missing');
  });

  it.each([
    ['legacy sha1 header', `sha1=${createHmac('sha1', SECRET).update(BODY).digest('hex')}`],
    ['sha1 prefix on a sha256 digest', `sha1=${hmacHex(SECRET, BODY)}`],
    ['one hex digit short', good.slice(0, -1)],
    ['one hex digit too many', `${good}0`],
    ['non-hex character', `sha256=${'g'.repeat(64)}`],
    ['empty digest', 'sha256='],
    ['base64 digest', `sha256=${createHmac('sha256', SECRET).update(BODY).digest('base64')}`],
    ['prefix without "="', `sha256${hmacHex(SECRET, BODY)}`],
    ['space inside', `sha256= ${hmacHex(SECRET, BODY)}`],
  ])('reports a %s as malformed', (_label, header) => {
    expect(verifySignature(SECRET, BODY, header)).toBe('malformed');
  });

  it('reports a signature made with another secret as mismatch', () => {
    expect(verifySignature(SECRET, BODY, `sha256=${hmacHex('another secret', BODY)}`)).toBe('mismatch');
  });

  it('reports a body changed by one byte as mismatch', () => {
    const tampered = Buffer.from(BODY);
    const i = tampered.indexOf('stable');
    expect(i).toBeGreaterThan(0);
    tampered[i] = 'S'.charCodeAt(0);
    expect(verifySignature(SECRET, tampered, good)).toBe('mismatch');
    // one byte appended (e.g. a trailing newline added by a proxy)
    expect(verifySignature(SECRET, Buffer.concat([BODY, Buffer.from('\n')]), good)).toBe('mismatch');
  });

  it('reports a well-formed but wrong digest (plain SHA-256 of the body, no key) as mismatch', () => {
    expect(verifySignature(SECRET, BODY, `sha256=${createHash('sha256').update(BODY).digest('hex')}`)).toBe(
      'mismatch',
    );
  });

  it('verifies what signBody produced, for an empty body too', () => {
    const empty = Buffer.alloc(0);
    expect(verifySignature(SECRET, empty, signBody(SECRET, empty))).toBe('ok');
    expect(verifySignature('other', empty, signBody(SECRET, empty))).toBe('mismatch');
  });
});
