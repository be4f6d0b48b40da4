import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotState, stampLine } from './snapshot-stamp.js';

let dist: string;
beforeEach(() => {
  dist = mkdtempSync(join(tmpdir(), 'podup-stamp-'));
});
afterEach(() => rmSync(dist, { recursive: true, force: true }));

describe('startup snapshot stamp', () => {
  it('is usable only when built by this node binary for this directory', () => {
    expect(snapshotState(process.execPath, dist)).toMatchObject({ usable: false, detail: /not built/ });

    writeFileSync(join(dist, 'serve.blob'), 'blob');
    writeFileSync(join(dist, 'serve.blob.stamp'), `${stampLine(process.execPath, dist)}\n`);
    expect(snapshotState(process.execPath, dist)).toMatchObject({ usable: true });

    // Another node binary (here: any other file) does not match the stamp.
    expect(snapshotState('/bin/sh', dist)).toMatchObject({ usable: false, detail: /another node binary/ });

    // A checkout moved after the build: the stamp names the old directory.
    const [size, mtime] = stampLine(process.execPath, dist).split(' ');
    writeFileSync(join(dist, 'serve.blob.stamp'), `${size} ${mtime} /elsewhere/server/dist\n`);
    expect(snapshotState(process.execPath, dist).usable).toBe(false);
  });
});
