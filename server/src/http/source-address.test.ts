import { describe, expect, it } from 'vitest';
import { plainAddress, sourceKey } from './source-address.js';
import { isTrustedPeer, trustFunction } from './trusted-peer.js';

describe('sourceKey', () => {
  it('is the IPv4 address, also when it arrives IPv4-mapped', () => {
    expect(sourceKey('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(sourceKey('::FFFF:127.0.0.1')).toBe('127.0.0.1');
  });

  it('groups IPv6 addresses by their /64, however they are written', () => {
    const key = '2001:db8:0:1::/64';
    expect(sourceKey('2001:db8:0:1::1')).toBe(key);
    expect(sourceKey('2001:db8:0:1:ffff:ffff:ffff:ffff')).toBe(key);
    expect(sourceKey('2001:0db8:0000:0001:0:0:0:2')).toBe(key);
    expect(sourceKey('2001:db8:0:2::1')).not.toBe(key);
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });

  it('has a key for a socket without an address (already closed)', () => {
    expect(sourceKey(undefined)).toBe('unknown');
  });
});

describe('trusted proxies (the same compiled PODUP_TRUST_PROXY Fastify uses)', () => {
  it('matches addresses and CIDRs, IPv4-mapped too', () => {
    const trust = trustFunction(['10.1.2.3', '192.168.0.0/16', '2001:db8::/32']);
    const trusted = (a: string | undefined) => isTrustedPeer(trust, a);
    expect(trusted('10.1.2.3')).toBe(true);
    expect(trusted('::ffff:10.1.2.3')).toBe(true);
    expect(trusted('10.1.2.4')).toBe(false);
    expect(trusted('192.168.44.5')).toBe(true);
    expect(trusted('2001:db8:1::9')).toBe(true);
    expect(trusted('2001:db9::9')).toBe(false);
    expect(trusted(undefined)).toBe(false);
    expect(trusted('not an address')).toBe(false);
  });

  it("knows proxy-addr's names, and trusts nobody when none is configured", () => {
    const loopback = trustFunction(['loopback']);
    expect(isTrustedPeer(loopback, '127.0.0.1')).toBe(true);
    expect(isTrustedPeer(loopback, '::1')).toBe(true);
    expect(isTrustedPeer(loopback, '10.0.0.1')).toBe(false);
    expect(isTrustedPeer(trustFunction(false), '127.0.0.1')).toBe(false);
  });

  it('drops a zone id before matching', () => {
    expect(plainAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(isTrustedPeer(trustFunction(['linklocal']), 'fe80::1%eth0')).toBe(true);
  });
});
