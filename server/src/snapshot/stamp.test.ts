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

describe('startup snapshot stamp', () => {
  it('is used only when built by this node binary for this directory', () => {
    expect(state()).toMatchObject({ status: 'unused', detail: /not built/ });

    writeFileSync(join(dist, 'serve.blob'), 'blob');
    writeFileSync(join(dist, 'serve.blob.stamp'), `${stampLine(process.execPath, dist)}\n`);
    expect(state()).toMatchObject({ status: 'used' });

    // Another node binary (here: any other file) does not match the stamp.
    expect(state({ nodePath: '/bin/sh' })).toMatchObject({ status: 'unused', detail: /another node binary/ });

    // A checkout moved after the build: the stamp names the old directory.
    const [size, mtime] = stampLine(process.execPath, dist).split(' ');
    writeFileSync(join(dist, 'serve.blob.stamp'), `${size} ${mtime} /elsewhere/server/dist\n`);
    expect(state().status).toBe('unused');
  });

  it('is off when the launcher is told so, or when the build skipped it', () => {
    writeFileSync(join(dist, 'serve.blob'), 'blob');
    writeFileSync(join(dist, 'serve.blob.stamp'), `${stampLine(process.execPath, dist)}\n`);
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
