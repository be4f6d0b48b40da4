/**
 * PODUP_TRUST_PROXY compiled once, with the rules Fastify applies to X-Forwarded-For/-Proto/-Host (it gets this
 * same function), so that what decides request.ip also decides whose ForwardAuth headers count.
 */
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyRequest } from 'fastify';

/** Whether the peer at `hop` (0: the one connected to podup) is a trusted proxy. */
export type TrustFn = (address: string, hop: number) => boolean;

export function trustFunction(trustProxy: readonly string[] | false): TrustFn | undefined {
  return trustProxy === false ? undefined : proxyAddr.compile([...trustProxy]);
}

/** Whether the connected peer is a trusted proxy; an address proxy-addr cannot read is not trusted. */
export function isTrustedPeer(trust: TrustFn | undefined, peer: string | undefined): boolean {
  if (trust === undefined || peer === undefined) return false;
  try {
    // A zone id (fe80::1%eth0) is not part of the address proxy-addr matches.
    return trust(peer.replace(/%.*$/, ''), 0);
  } catch {
    return false;
  }
}

/** Whether the request came straight from a trusted proxy (what a client sends directly never does). */
export function fromTrustedProxy(request: FastifyRequest, trust: TrustFn | undefined): boolean {
  return isTrustedPeer(trust, request.socket.remoteAddress);
}
