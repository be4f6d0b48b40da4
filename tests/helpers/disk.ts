/**
 * Storage faults for the fault suite (root only): a small tmpfs to fill, to make read-only and to give back,
 * and the CPU time of a process (to tell a waiting podup from a spinning one).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });

export function mountTmpfs(dir: string, size: string): void {
  mount('-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir);
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'pipe' });
}

export function remount(dir: string, mode: 'ro' | 'rw'): void {
  mount('-o', `remount,${mode}`, dir);
}

export const freeBytes = (dir: string): number => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};

const FILLER = 'filler';

/** Fills the file system of `dir` up to `leaveBytes` of free space (all of it when 0). */
export function fill(dir: string, leaveBytes = 0): void {
  const fd = openSync(join(dir, FILLER), 'a');
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  try {
    for (let free = freeBytes(dir); free > leaveBytes; free = freeBytes(dir)) {
      writeSync(fd, chunk, 0, Math.min(chunk.length, Math.max(512, free - leaveBytes)));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

export function unfill(dir: string): void {
  rmSync(join(dir, FILLER), { force: true });
}

/** User plus system CPU seconds a process has used so far (/proc/<pid>/stat, in clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
