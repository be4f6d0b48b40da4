/**
 * Quadlet `.container` files from the directories Podman's generator reads for the scope, with their drop-ins
 * applied: `<name>.container.d/*.conf`, the prefix drop-ins of hyphenated names (`web-.container.d/` for
 * `web-app.container`) and the top-level `container.d/`, in any search directory. A drop-in file name found in
 * several directories is taken from the one with precedence; drop-ins apply in file-name order, so a later
 * `Image=` or `AutoUpdate=` wins, as in the generated unit.
 * @see https://docs.podman.io/en/latest/markdown/podman-systemd.unit.5.html (search paths, drop-ins)
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainersPaths, SystemdScope } from '../../config.js';
import type { QuadletFile, QuadletSource } from '../../domain/ports/index.js';

/** Search directories in order of precedence (the first one holding a name wins). */
export function quadletDirs(
  scope: SystemdScope,
  paths: ContainersPaths,
  configured: readonly string[],
): string[] {
  if (configured.length > 0) return [...configured];
  return scope === 'user'
    ? [
        join(paths.runtimeDir, 'containers', 'systemd'),
        join(paths.configHome, 'containers', 'systemd'),
        `/etc/containers/systemd/users/${paths.uid}`,
        '/etc/containers/systemd/users',
      ]
    : ['/run/containers/systemd', '/etc/containers/systemd', '/usr/share/containers/systemd'];
}

interface Entry {
  path: string;
  name: string;
  kind: 'file' | 'dir';
}

/** A directory's entries, links followed as the generator does; a missing directory has none. */
async function entries(dir: string): Promise<Entry[]> {
  let list;
  try {
    list = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: Entry[] = [];
  for (const e of list.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    const kind = e.isSymbolicLink() ? await stat(path).catch(() => undefined) : e;
    if (kind?.isDirectory()) out.push({ path, name: e.name, kind: 'dir' });
    else if (kind?.isFile()) out.push({ path, name: e.name, kind: 'file' });
  }
  return out;
}

/** The drop-in directory names that apply to `fileName`, most general first. */
export function dropInDirNames(fileName: string): string[] {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1);
  const stem = fileName.slice(0, -(ext.length + 1));
  const prefixes: string[] = [];
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1))
    prefixes.push(`${stem.slice(0, i + 1)}.${ext}.d`);
  return [`${ext}.d`, ...prefixes, `${fileName}.d`];
}

/** Every *.container in the directories and their direct subdirectories; missing directories are skipped. */
export async function readQuadletFiles(dirs: readonly string[]): Promise<QuadletFile[]> {
  const units = new Map<string, string>();
  /** Drop-in directories by name (e.g. "web.container.d"), in order of precedence. */
  const dropInDirs = new Map<string, string[]>();
  const scan = async (dir: string, depth: number): Promise<void> => {
    for (const e of await entries(dir)) {
      if (e.kind === 'dir' && e.name.endsWith('.d'))
        dropInDirs.set(e.name, [...(dropInDirs.get(e.name) ?? []), e.path]);
      else if (e.kind === 'dir' && depth === 0) await scan(e.path, 1);
      // The first directory in search order wins for a name, as for the generator.
      else if (e.kind === 'file' && e.name.endsWith('.container') && !units.has(e.name))
        units.set(e.name, e.path);
    }
  };
  for (const dir of dirs) await scan(dir, 0);

  const files: QuadletFile[] = [];
  for (const [fileName, path] of units) {
    const confs = new Map<string, string>();
    for (const name of dropInDirNames(fileName)) {
      for (const dir of dropInDirs.get(name) ?? []) {
        for (const e of await entries(dir)) {
          if (e.kind === 'file' && e.name.endsWith('.conf') && !confs.has(e.name)) confs.set(e.name, e.path);
        }
      }
    }
    const texts = [await readFile(path, 'utf8')];
    for (const conf of [...confs.keys()].sort())
      texts.push(await readFile(confs.get(conf) as string, 'utf8'));
    files.push({ path, fileName, text: texts.join('\n') });
  }
  return files;
}

/** The QuadletSource port over the directories of the scope (or PODUP_QUADLET_DIRS). */
export function quadletSource(dirs: readonly string[]): QuadletSource {
  return { read: () => readQuadletFiles(dirs) };
}
