/**
 * Who holds a task or unit lease: host:pid:nonce. A lease of a process on this host that no longer exists
 * is stale at once; anything else is trusted until its expiry (a reused pid cannot be told apart).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaseOwnership } from '../../domain/ports/index.js';
import { errnoCode } from '../../errors.js';

export function leaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export function ownerAlive(owner: string, self: string): boolean {
  if (owner === self) return true;
  const [host, pidText] = owner.split(':');
  const [selfHost, selfPid] = self.split(':');
  if (host !== selfHost) return true;
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (String(pid) === selfPid) return false; // our pid, another nonce: an earlier life of this pid
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/** The LeaseOwnership port of this process. */
export function processOwnership(): LeaseOwnership {
  const self = leaseOwner();
  return { self, alive: (owner) => ownerAlive(owner, self) };
}
