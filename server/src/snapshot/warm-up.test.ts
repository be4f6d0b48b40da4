import { describe, expect, it } from 'vitest';
import { warmUp } from './warm-up.js';

describe('startup snapshot warm-up', () => {
  // The snapshot build runs it from the bundle (npm run build); here a regression shows up with its stack.
  it('builds the app without calling a use case and leaves nothing open', async () => {
    const before = process.getActiveResourcesInfo();
    await expect(warmUp()).resolves.toBeUndefined();
    // A close request still in flight (module loading) is not something left open.
    await new Promise((resolve) => setImmediate(resolve));
    expect(process.getActiveResourcesInfo()).toEqual(before);
  });
});
