import { describe, expect, it } from 'vitest';
import { pullErrorCode } from './pull-errors.js';

/** Error texts as Podman 4.3 sends them at the end of a pull's NDJSON stream. */
describe('pullErrorCode', () => {
  it.each([
    [
      'initializing source docker://127.0.0.1:5077/acme/app:nope: reading manifest nope in 127.0.0.1:5077/acme/app: manifest unknown: manifest unknown',
      'IMAGE_NOT_FOUND',
    ],
    [
      // The test host: the mirror lacks the tag, ghcr.io itself cannot be reached.
      'initializing source docker://ghcr.io/acme/app:nope: (Mirrors also failed: [127.0.0.1:5077/acme/app:nope: reading manifest nope in 127.0.0.1:5077/acme/app: manifest unknown: manifest unknown]): ghcr.io/acme/app:nope: pinging container registry ghcr.io: Get "https://ghcr.io/v2/": dial tcp: lookup ghcr.io on 10.255.255.53:53: no such host',
      'IMAGE_NOT_FOUND',
    ],
    [
      'initializing source docker://registry.example/acme/app:1: reading manifest 1 in registry.example/acme/app: name unknown: repository name not known to registry',
      'IMAGE_NOT_FOUND',
    ],
    [
      'initializing source docker://ghcr.io/acme/private:1: reading manifest 1 in ghcr.io/acme/private: unauthorized: authentication required',
      'REGISTRY_DENIED',
    ],
    [
      'initializing source docker://docker.io/acme/app:1: reading manifest 1 in docker.io/acme/app: errors: denied: requested access to the resource is denied',
      'REGISTRY_DENIED',
    ],
    [
      'initializing source docker://ghcr.io/acme/app:1: registry ghcr.io is blocked in /etc/containers/registries.conf or /etc/containers/registries.conf.d',
      'REGISTRY_DENIED',
    ],
  ])('%s -> %s', (text, code) => {
    expect(pullErrorCode(text)).toBe(code);
  });

  it.each([
    'initializing source docker://127.0.0.1:5999/acme/app:1: pinging container registry 127.0.0.1:5999: Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused',
    'writing blob: storing blob to file "/var/tmp/storage123/1": happened during read: unexpected EOF',
    'reading blob sha256:3277: fetching blob: received unexpected HTTP status: 502 Bad Gateway',
    'http: server gave HTTP response to HTTPS client',
  ])('a transport or storage failure may be retried: %s', (text) => {
    expect(pullErrorCode(text)).toBe('PODMAN_ERROR');
  });
});
