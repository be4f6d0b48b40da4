import { describe, expect, it } from 'vitest';
import {
  asciiLower,
  formatImageRef,
  imageName,
  InvalidImageRef,
  isDigest,
  isValidTag,
  parseImageRef,
  taggedRef,
  tryParseImageRef,
} from './image-ref.js';

const HEX = '81a5875901c707ac43082ecebf07d78209a61e3f05b27c4e65d2f8eabb708f95';
const DIGEST = `sha256:${HEX}`;

/** Parse, expect InvalidImageRef, and return its message so the reason can be checked. */
function rejection(input: string): string {
  try {
    parseImageRef(input);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidImageRef);
    expect((e as InvalidImageRef).input).toBe(input);
    return (e as InvalidImageRef).message;
  }
  throw new Error(`expected "${input}" to be rejected`);
}

describe('parseImageRef normalisation', () => {
  it('puts a single name under docker.io/library with tag latest', () => {
    expect(parseImageRef('nginx')).toEqual({
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: 'latest',
      digest: undefined,
    });
  });

  it('keeps a two-component Docker Hub path as is (no library/ prefix)', () => {
    expect(parseImageRef('acme/app:1.2')).toMatchObject({
      registry: 'docker.io',
      repository: 'acme/app',
      tag: '1.2',
    });
  });

  it.each(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'DOCKER.IO', 'Index.Docker.IO'])(
    'folds the Docker Hub alias %s into docker.io (and adds library/ for one component)',
    (host) => {
      const ref = parseImageRef(`${host}/nginx:1.27`);
      expect(ref.registry).toBe('docker.io');
      expect(ref.repository).toBe('library/nginx');
      expect(formatImageRef(ref)).toBe('docker.io/library/nginx:1.27');
    },
  );

  it('makes every spelling of the same Docker Hub image compare equal', () => {
    const spellings = [
      'app',
      'app:latest',
      'docker.io/library/app',
      'DOCKER.IO/library/app:latest',
      'index.docker.io/Library/App',
    ];
    const canonical = new Set(spellings.map((s) => formatImageRef(parseImageRef(s))));
    expect([...canonical]).toEqual(['docker.io/library/app:latest']);
  });

  it('lower-cases host and path but keeps the tag as written', () => {
    const ref = parseImageRef('GHCR.io/Acme-Corp/Web-App:Stable-RC1');
    expect(ref.registry).toBe('ghcr.io');
    expect(ref.repository).toBe('acme-corp/web-app');
    expect(ref.tag).toBe('Stable-RC1');
  });

  it('lower-cases an all-uppercase single name into docker.io/library', () => {
    expect(parseImageRef('NGINX')).toMatchObject({
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: 'latest',
    });
  });

  it('treats a mixed-case first component without dot/colon as a Docker Hub namespace, not a host', () => {
    expect(parseImageRef('Acme/App')).toMatchObject({ registry: 'docker.io', repository: 'acme/app' });
  });

  it('keeps a digest and does not invent a tag when only a digest is given', () => {
    const ref = parseImageRef(`ghcr.io/acme/app@${DIGEST}`);
    expect(ref.digest).toBe(DIGEST);
    expect(ref.tag).toBeUndefined();
  });

  it('keeps both tag and digest', () => {
    expect(parseImageRef(`ghcr.io/acme/app:v1@${DIGEST}`)).toEqual({
      registry: 'ghcr.io',
      repository: 'acme/app',
      tag: 'v1',
      digest: DIGEST,
    });
  });

  it('lower-cases the hex of a digest', () => {
    expect(parseImageRef(`app@SHA256:${HEX.toUpperCase()}`).digest).toBe(DIGEST);
  });

  it('reads host:port as the registry and the colon after the last slash as the tag', () => {
    expect(parseImageRef('127.0.0.1:5000/acme/app:2')).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'acme/app',
      tag: '2',
      digest: undefined,
    });
    expect(parseImageRef('registry.example.com:5000/app')).toMatchObject({
      registry: 'registry.example.com:5000',
      repository: 'app',
      tag: 'latest',
    });
  });

  it('treats localhost as a registry (with or without port) and does not add library/', () => {
    expect(parseImageRef('localhost/app')).toMatchObject({ registry: 'localhost', repository: 'app' });
    expect(parseImageRef('localhost:5000/team/app:t')).toMatchObject({
      registry: 'localhost:5000',
      repository: 'team/app',
      tag: 't',
    });
  });

  it('reads a bare "localhost" or "host:5000" like Docker does: a Docker Hub name (and a tag)', () => {
    expect(parseImageRef('localhost')).toMatchObject({
      registry: 'docker.io',
      repository: 'library/localhost',
    });
    expect(parseImageRef('host:5000')).toMatchObject({
      registry: 'docker.io',
      repository: 'library/host',
      tag: '5000',
    });
  });

  it('accepts a bracketed IPv6 registry with port', () => {
    expect(parseImageRef('[::1]:5000/app:x')).toMatchObject({
      registry: '[::1]:5000',
      repository: 'app',
      tag: 'x',
    });
  });

  it('keeps nested repository paths', () => {
    expect(parseImageRef('ghcr.io/acme/cadence/api:1')).toMatchObject({ repository: 'acme/cadence/api' });
  });

  it('trims surrounding whitespace', () => {
    expect(formatImageRef(parseImageRef('  ghcr.io/acme/app:1 \n'))).toBe('ghcr.io/acme/app:1');
  });

  it('accepts separators that the distribution grammar allows inside a component', () => {
    expect(parseImageRef('ghcr.io/acme/a.b_c__d-e--f').repository).toBe('acme/a.b_c__d-e--f');
  });
});

describe('parseImageRef rejections', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    [`app@sha256:${HEX.slice(1)}`, 'digest'],
    ['app@sha256:' + 'g'.repeat(64), 'digest'],
    [`app@sha512:${HEX}${HEX}`, 'digest'],
    ['app@', 'digest'],
    ['app:', 'tag'],
    ['ghcr.io/acme/app:', 'tag'],
    ['app:-lead', 'tag'],
    ['app:.lead', 'tag'],
    ['app:has space', 'tag'],
    [`app:${'t'.repeat(129)}`, 'tag'],
    ['a/../b', 'path component ".."'],
    ['ghcr.io/../x', 'path component ".."'],
    ['../x', 'registry ".."'],
    ['ghcr.io//x', 'path component ""'],
    ['/app', 'path component ""'],
    ['ghcr.io/', 'path component ""'],
    ['app-/x', 'path component "app-"'],
    ['a..b/x', 'registry "a..b"'],
    ['a/b$c', 'path component "b$c"'],
    ['reg_istry.io/x', 'registry "reg_istry.io"'],
    [`ghcr.io/acme/app:v1@${DIGEST}@${DIGEST}`, 'digest'],
    ['x'.repeat(513), 'longer than 512'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(rejection(input)).toContain(reason);
  });

  it.each([
    ['\u212Aube/app', 'KELVIN SIGN, which Unicode lower-cases to "k"'],
    ['ghcr.io/acme/\u212Aapp', 'KELVIN SIGN in a path component'],
    ['ghcr.\u0130o/acme/app', 'dotted capital I in the host'],
    ['ghcr.io/acme/app:v\u0131', 'dotless i in the tag'],
    ['ghcr.io/acme/caf\u00e9', 'a Latin-1 letter'],
    ['ghcr.io/acme/app\u0000', 'a control character'],
  ])('refuses non-ASCII or control characters instead of folding them (%j: %s)', (input) => {
    expect(rejection(input)).toContain('only printable ASCII');
  });

  it('never makes a lookalike equal to a real name', () => {
    expect(tryParseImageRef('ghcr.io/acme/\u212Aapp')).toBeUndefined();
    expect(parseImageRef('GHCR.IO/ACME/KAPP').repository).toBe('acme/kapp');
  });

  it('accepts a tag of exactly 128 characters', () => {
    expect(parseImageRef(`app:${'t'.repeat(128)}`).tag).toHaveLength(128);
  });

  it('tryParseImageRef returns undefined instead of throwing', () => {
    expect(tryParseImageRef('a/../b')).toBeUndefined();
    expect(tryParseImageRef('app')?.repository).toBe('library/app');
  });
});

describe('formatting', () => {
  it.each([
    'ghcr.io/acme-corp/web-app:stable',
    `ghcr.io/acme-corp/web-app@${DIGEST}`,
    `ghcr.io/acme-corp/web-app:stable@${DIGEST}`,
    'docker.io/library/nginx:1.27',
    '127.0.0.1:5000/team/app:t',
    '[::1]:5000/app:x',
  ])('round-trips the canonical form %s', (canonical) => {
    const ref = parseImageRef(canonical);
    expect(formatImageRef(ref)).toBe(canonical);
    expect(parseImageRef(formatImageRef(ref))).toEqual(ref);
  });

  it('imageName drops tag and digest', () => {
    expect(imageName(parseImageRef(`GHCR.IO/Acme/App:v2@${DIGEST}`))).toBe('ghcr.io/acme/app');
  });

  it('taggedRef drops the digest and keeps the tag', () => {
    expect(taggedRef(parseImageRef(`ghcr.io/acme/app:v2@${DIGEST}`))).toBe('ghcr.io/acme/app:v2');
  });

  it('taggedRef falls back to latest for a digest-only reference', () => {
    expect(taggedRef(parseImageRef(`ghcr.io/acme/app@${DIGEST}`))).toBe('ghcr.io/acme/app:latest');
  });

  it('formatImageRef of a normalised short name is the fully qualified name', () => {
    expect(formatImageRef(parseImageRef('nginx'))).toBe('docker.io/library/nginx:latest');
  });
});

describe('asciiLower', () => {
  it('folds A-Z only, whatever the rest of Unicode says', () => {
    expect(asciiLower('GHCR.IO/Acme-App_1')).toBe('ghcr.io/acme-app_1');
    expect(asciiLower('\u212A\u0130\u00c9')).toBe('\u212A\u0130\u00c9');
  });
});

describe('isDigest / isValidTag', () => {
  it('isDigest wants lower-case sha256 with 64 hex', () => {
    expect(isDigest(DIGEST)).toBe(true);
    expect(isDigest(DIGEST.toUpperCase())).toBe(false);
    expect(isDigest(HEX)).toBe(false);
    expect(isDigest(`${DIGEST}0`)).toBe(false);
  });

  it('isValidTag follows [\\w][\\w.-]{0,127}', () => {
    expect(isValidTag('v1.2.3-rc_1')).toBe(true);
    expect(isValidTag('_x')).toBe(true);
    expect(isValidTag('')).toBe(false);
    expect(isValidTag('-x')).toBe(false);
    expect(isValidTag('a:b')).toBe(false);
    expect(isValidTag('t'.repeat(129))).toBe(false);
  });
});
