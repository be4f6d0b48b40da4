import { readFileSync } from 'node:fs';

/** The root package.json sits two levels above both server/src and server/dist. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
