import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serverDist, snapshotState, stampLine } from './stamp.js';

let dist: string;
beforeEach(() => {
  dist = mkdtempSync(join(tmpdir(), 'podup-stamp-'));
});
afterEach(() => rmSync(dist, { recursive: true, force: true }));

const state = (options: Parameters<typeof snapshotState>[0] = {}) =>
  snapshotState({ env: {}, nodePath: process.execPath, distDir: dist, ...options });

const blobIn = (dir: string, stamp = stampLine(process.execPath, dist)) => {
  writeFileSync(join(dir, 'serve.blob'), 'blob');
  writeFileSync(join(dir, 'serve.blob.stamp'), `${stamp}\n`);
};

describe('startup snapshot stamp', () => {
  it('is used only when built by this node binary for this bundle and directory', () => {
    writeFileSync(join(dist, 'serve-snapshot.id'), 'b1\n');
    expect(state()).toMatchObject({ status: 'unused', detail: /not built/ });

    blobIn(dist);
    expect(state()).toMatchObject({ status: 'used' });

    // Another node binary (here: any other file) does not match the stamp.
    expect(state({ nodePath: '/bin/sh' })).toMatchObject({ status: 'unused', detail: /another node binary/ });

    // A checkout moved after the build: the stamp names the old directory.
    const [size, mtime] = stampLine(process.execPath, dist).split(' ');
    blobIn(dist, `${size} ${mtime} b1 /elsewhere/server/dist`);
    expect(state()).toMatchObject({ status: 'unused', detail: /another podup build or directory/ });

    // The package upgraded in place: same directory, another bundle.
    blobIn(dist);
    writeFileSync(join(dist, 'serve-snapshot.id'), 'b2\n');
    expect(state()).toMatchObject({ status: 'unused', detail: /another podup build/ });
  });

  it('prefers the blob in the cache directory (podup setup) to the one in dist', () => {
    writeFileSync(join(dist, 'serve-snapshot.id'), 'b1\n');
    const cache = join(dist, 'cache');
    mkdirSync(cache);
    expect(state({ cacheDir: cache })).toMatchObject({
      status: 'unused',
      detail: /cache\/serve.blob and .* are not built/,
    });
    blobIn(dist);
    expect(state({ cacheDir: cache })).toMatchObject({ status: 'used', blob: join(dist, 'serve.blob') });
    blobIn(cache);
    expect(state({ cacheDir: cache })).toMatchObject({ status: 'used', blob: join(cache, 'serve.blob') });
  });

  it('is off when the launcher is told so, or when the build skipped it', () => {
    writeFileSync(join(dist, 'serve-snapshot.id'), 'b1\n');
    blobIn(dist);
    expect(state({ env: { PODUP_SNAPSHOT: 'off' } })).toMatchObject({
      status: 'off',
      detail: /^off \(PODUP_SNAPSHOT=off\)/,
    });
    // Only "off" switches it off.
    expect(state({ env: { PODUP_SNAPSHOT: 'on' } }).status).toBe('used');

    rmSync(join(dist, 'serve.blob'));
    writeFileSync(join(dist, 'serve.blob.stamp'), 'off\n');
    expect(state()).toMatchObject({ status: 'off', detail: /built with PODUP_SNAPSHOT=off/ });
  });

  it('finds server/dist from the sources and from the bundles alike', () => {
    const server = join(dist, 'server');
    mkdirSync(join(server, 'src/snapshot'), { recursive: true });
    mkdirSync(join(server, 'dist/snapshot'), { recursive: true });
    writeFileSync(join(server, 'package.json'), '{}');
    for (const from of ['src/snapshot', 'dist/snapshot', 'dist']) {
      expect(serverDist(join(server, from))).toBe(join(server, 'dist'));
    }
  });
});
