import { describe, expect, it } from 'vitest';
import { FakeHost, fakePorts } from '../../adapters/fakes/index.js';
import { readingEachImageOnce } from './image-digests.js';

describe('readingEachImageOnce', () => {
  it('reads each image once however often it is asked, and leaves every other call to the runtime', async () => {
    const host = new FakeHost();
    const { runtime } = fakePorts(host);
    const pushed = host.push('ghcr.io/acme/web:stable', 'web-1');
    host.download('ghcr.io/acme/web:stable');
    let reads = 0;
    const counted = new Proxy(runtime, {
      get(target, prop) {
        if (prop === 'inspectImage') reads++;
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const once = readingEachImageOnce(counted);
    const [a, b] = await Promise.all([once.inspectImage(pushed.id), once.inspectImage(pushed.id)]);
    expect(a?.digest).toBe(pushed.digest);
    expect(b).toBe(a);
    expect(reads).toBe(1);
    expect(await once.listContainers()).toEqual(await runtime.listContainers());
  });
});
