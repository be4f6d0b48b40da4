import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainersPaths } from '../../config.js';
import { parseQuadletContainer } from '../../domain/units/quadlet.js';
import { dropInDirNames, quadletDirs, readQuadletFiles } from './quadlet-files.js';

const FIXTURES = fileURLToPath(new URL('../../../../tests/fixtures/quadlet/', import.meta.url));

const PATHS: ContainersPaths = {
  registriesConf: undefined,
  authFile: undefined,
  home: '/home/alice',
  configHome: '/home/alice/.config',
  runtimeDir: '/run/user/1234',
  uid: 1234,
};

describe('quadletDirs', () => {
  it('user scope: the runtime dir, the config home, then the admin directories for this uid and for all users', () => {
    expect(quadletDirs('user', PATHS, [])).toEqual([
      '/run/user/1234/containers/systemd',
      '/home/alice/.config/containers/systemd',
      '/etc/containers/systemd/users/1234',
      '/etc/containers/systemd/users',
    ]);
  });

  it('system scope: /run before /etc before /usr/share', () => {
    expect(quadletDirs('system', PATHS, [])).toEqual([
      '/run/containers/systemd',
      '/etc/containers/systemd',
      '/usr/share/containers/systemd',
    ]);
  });

  it('configured directories replace the defaults, in their order', () => {
    const configured = ['/srv/quadlet', '/opt/more'];
    const dirs = quadletDirs('user', PATHS, configured);
    expect(dirs).toEqual(['/srv/quadlet', '/opt/more']);
    expect(dirs).not.toBe(configured);
    expect(quadletDirs('system', PATHS, ['/srv/q'])).toEqual(['/srv/q']);
  });
});

describe('readQuadletFiles', () => {
  let root: string;
  const write = (rel: string, text: string): string => {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'podup-quadlet-test-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('reads *.container files of a directory and its direct subdirectories only', async () => {
    write('first/web.container', '[Container]\nImage=ghcr.io/acme/web:stable\n');
    write('first/data.volume', '[Volume]\n');
    write('first/notes.txt', 'not quadlet');
    write('first/team/api.container', '[Container]\nImage=ghcr.io/acme/api:v2\n');
    write('first/team/deeper/too-deep.container', '[Container]\nImage=x/y:1\n');
    mkdirSync(join(root, 'first/dir.container'));

    const files = await readQuadletFiles([join(root, 'first')]);

    expect(files.map((f) => f.path).sort()).toEqual(
      [join(root, 'first/team/api.container'), join(root, 'first/web.container')].sort(),
    );
    const web = files.find((f) => f.fileName === 'web.container');
    expect(web?.text).toBe('[Container]\nImage=ghcr.io/acme/web:stable\n');
    expect(files.find((f) => f.fileName === 'api.container')?.text).toContain('ghcr.io/acme/api:v2');
  });

  it('the first directory in search order wins for a file name', async () => {
    write('a/web.container', '[Container]\nImage=ghcr.io/acme/web:from-a\n');
    write('b/web.container', '[Container]\nImage=ghcr.io/acme/web:from-b\n');
    write('b/sub/other.container', '[Container]\nImage=ghcr.io/acme/other:1\n');
    write('c/sub/other.container', '[Container]\nImage=ghcr.io/acme/other:from-c\n');

    const files = await readQuadletFiles([join(root, 'a'), join(root, 'b'), join(root, 'c')]);

    expect(files.map((f) => [f.fileName, f.path])).toEqual([
      ['web.container', join(root, 'a/web.container')],
      ['other.container', join(root, 'b/sub/other.container')],
    ]);

    const reversed = await readQuadletFiles([join(root, 'b'), join(root, 'a')]);
    expect(reversed.find((f) => f.fileName === 'web.container')?.path).toBe(join(root, 'b/web.container'));
  });

  it('skips missing directories', async () => {
    write('present/web.container', '[Container]\nImage=ghcr.io/acme/web:stable\n');
    const files = await readQuadletFiles([
      join(root, 'missing'),
      join(root, 'present'),
      join(root, 'present/web.container/not-a-dir'),
    ]);
    expect(files.map((f) => f.fileName)).toEqual(['web.container']);
    expect(await readQuadletFiles([join(root, 'nothing-here')])).toEqual([]);
    expect(await readQuadletFiles([])).toEqual([]);
  });

  it('reads the fixture directory, including the nested file, and they parse', async () => {
    const files = await readQuadletFiles([FIXTURES]);
    expect(files.map((f) => f.fileName).sort()).toEqual([
      'api.container',
      'pinned.container',
      'web.container',
    ]);
    expect(files.find((f) => f.fileName === 'api.container')?.path).toBe(
      join(FIXTURES, 'nested', 'api.container'),
    );
    const units = files.map((f) => parseQuadletContainer(f.fileName, f.text)?.unit).sort();
    expect(units).toEqual(['acme-api.service', 'pinned.service', 'web.service']);
  });
});

describe('drop-ins', () => {
  let root: string;
  const write = (rel: string, text: string): void => {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'podup-quadlet-dropins-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('names the top-level, hyphen-prefix and own drop-in directories, most general first', () => {
    expect(dropInDirNames('web.container')).toEqual(['container.d', 'web.container.d']);
    expect(dropInDirNames('foo-bar-baz.container')).toEqual([
      'container.d',
      'foo-.container.d',
      'foo-bar-.container.d',
      'foo-bar-baz.container.d',
    ]);
  });

  it('applies drop-ins from every search directory in file-name order; a later Image= or AutoUpdate= wins', async () => {
    write('a/web-app.container', '[Container]\nImage=ghcr.io/acme/web:1\n');
    write('a/web-app.container.d/20-image.conf', '[Container]\nImage=ghcr.io/acme/web:2\n');
    write('b/web-.container.d/10-autoupdate.conf', '[Container]\nAutoUpdate=registry\n');
    write('b/container.d/05-label.conf', '[Container]\nLabel=x=y\n');
    write('a/other.container', '[Container]\nImage=ghcr.io/acme/other:1\n');
    const files = await readQuadletFiles([join(root, 'a'), join(root, 'b')]);
    const web = files.find((f) => f.fileName === 'web-app.container');
    const parsed = parseQuadletContainer('web-app.container', web?.text ?? '');
    expect(parsed).toMatchObject({ image: 'ghcr.io/acme/web:2', autoUpdate: 'registry' });
    const other = files.find((f) => f.fileName === 'other.container');
    // The top-level container.d applies to every unit, a prefix drop-in only to matching names.
    expect(parseQuadletContainer('other.container', other?.text ?? '')).toMatchObject({
      image: 'ghcr.io/acme/other:1',
      autoUpdate: undefined,
    });
    expect(other?.text).toContain('Label=x=y');
  });

  it('takes a drop-in file name from the directory with precedence only', async () => {
    write('a/web.container', '[Container]\nImage=ghcr.io/acme/web:1\n');
    write('a/web.container.d/image.conf', '[Container]\nImage=ghcr.io/acme/web:from-a\n');
    write('b/web.container.d/image.conf', '[Container]\nImage=ghcr.io/acme/web:from-b\n');
    const [web] = await readQuadletFiles([join(root, 'a'), join(root, 'b')]);
    expect(parseQuadletContainer('web.container', web?.text ?? '')?.image).toBe('ghcr.io/acme/web:from-a');
  });
});
