/**
 * Which client a connection comes from, for the per-source connection cap: the peer address, with IPv4-mapped
 * IPv6 as IPv4 and other IPv6 addresses by their /64 (one host usually holds a whole /64, so counting single
 * addresses would let it open 2^64 sources' worth). Trusted proxies (PODUP_TRUST_PROXY: http/trusted-peer.ts)
 * speak for many clients and count only against the total.
 */
import { isIPv4, isIPv6 } from 'node:net';

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** The address without a zone id, IPv4-mapped IPv6 as plain IPv4. */
export function plainAddress(address: string): string {
  const bare = address.replace(/%.*$/, '');
  return MAPPED_V4.exec(bare)?.[1] ?? bare;
}

/** The eight hextets of an IPv6 address (an embedded IPv4 tail counts as two), or undefined. */
function hextets(address: string): number[] | undefined {
  if (!isIPv6(address)) return undefined;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = v4
    ? address.slice(0, v4.index) +
      [(Number(v4[1]) << 8) | Number(v4[2]), (Number(v4[3]) << 8) | Number(v4[4])]
        .map((n) => n.toString(16))
        .join(':')
    : address;
  const [head = '', tail] = text.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The key a connection counts under: the IPv4 address, or the IPv6 /64 as "2001:db8:0:1::/64". */
export function sourceKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const plain = plainAddress(address);
  if (isIPv4(plain)) return plain;
  const h = hextets(plain);
  return h
    ? `${h
        .slice(0, 4)
        .map((n) => n.toString(16))
        .join(':')}::/64`
    : plain;
}
