/**
 * Quadlet `.container` files from the directories Podman's generator reads for the scope.
 * @see https://docs.podman.io/en/latest/markdown/podman-systemd.unit.5.html (search paths)
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainersPaths, SystemdScope } from '../../config.js';
import type { QuadletFile, QuadletSource } from '../../domain/ports/index.js';

export function quadletDirs(
  scope: SystemdScope,
  paths: ContainersPaths,
  configured: readonly string[],
): string[] {
  if (configured.length > 0) return [...configured];
  return scope === 'user'
    ? [
        join(paths.configHome, 'containers', 'systemd'),
        `/etc/containers/systemd/users/${paths.uid}`,
        '/etc/containers/systemd/users',
      ]
    : ['/etc/containers/systemd', '/usr/share/containers/systemd'];
}

/** Every *.container in the directories and their direct subdirectories; missing directories are skipped. */
export async function readQuadletFiles(dirs: readonly string[]): Promise<QuadletFile[]> {
  const files: QuadletFile[] = [];
  const seen = new Set<string>();
  const scan = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, e.name);
      // Links are followed, as the generator does (e.g. a .container linked from a git checkout).
      const kind = e.isSymbolicLink() ? await stat(path).catch(() => undefined) : e;
      if (!kind) continue;
      if (kind.isDirectory() && depth === 0) await scan(path, 1);
      else if (kind.isFile() && e.name.endsWith('.container') && !seen.has(e.name)) {
        // The first directory in search order wins for a name, as for the generator.
        seen.add(e.name);
        files.push({ path, fileName: e.name, text: await readFile(path, 'utf8') });
      }
    }
  };
  for (const dir of dirs) await scan(dir, 0);
  return files;
}

/** The QuadletSource port over the directories of the scope (or PODUP_QUADLET_DIRS). */
export function quadletSource(dirs: readonly string[]): QuadletSource {
  return { read: () => readQuadletFiles(dirs) };
}
