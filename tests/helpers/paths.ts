import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Path arithmetic instead of new URL(): under jsdom, URL is jsdom's and node:fs refuses it.
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../');

export const testHostDir = (): string => process.env.PODUP_TEST_HOST_DIR ?? '/tmp/podup-test-host';

/** The "export KEY=value" lines written by scripts/test-host.sh. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) env[m[1]] = m[2];
  }
  return env;
}
