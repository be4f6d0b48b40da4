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

/** Whether the request came straight from a trusted proxy (what a client sends directly never does). */
export function fromTrustedProxy(request: FastifyRequest, trust: TrustFn | undefined): boolean {
  const peer = request.socket.remoteAddress;
  return trust !== undefined && peer !== undefined && trust(peer, 0);
}
