import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { listenAddress } from './install.js';

describe('listenAddress', () => {
  it('is host:port, with brackets for IPv6, as ListenStream= and PODUP_HTTP_ADDR read it', () => {
    expect(listenAddress('127.0.0.1', 25111)).toBe('127.0.0.1:25111');
    expect(listenAddress('::1', 8080)).toBe('[::1]:8080');
    expect(listenAddress('[::]', 8080)).toBe('[::]:8080');
  });

  it('refuses ports and addresses systemd would not take', () => {
    expect(() => listenAddress('127.0.0.1', 0)).toThrow(AppError);
    expect(() => listenAddress('127.0.0.1', 70000)).toThrow(/1-65535/);
    expect(() => listenAddress('a b', 1)).toThrow(/not an address/);
  });
});
