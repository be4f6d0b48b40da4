import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout, or the installed package: two levels above both server/src and server/dist. */
export const PACKAGE_ROOT: string = join(dirname(fileURLToPath(import.meta.url)), '../..');

export const VERSION: string = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
