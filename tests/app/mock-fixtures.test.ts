/**
 * The drift test of the panel's mocks. The MSW handlers (web/src/testing/mocks) replay fixtures recorded from
 * this server on the fakes by tests/mock-recorder; here the recorder runs again, in memory, and its output
 * must equal the committed fixtures. A server change that alters an answer the panel relies on fails here
 * until the fixtures are re-recorded (`npm run mocks:record`, which runs this file with PODUP_RECORD_MOCKS=1).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';
import { FIXTURE_DIR, FIXTURES, serialise, type FixtureName } from '../mock-recorder/record.js';

const RECORD = process.env.PODUP_RECORD_MOCKS === '1';
const NAMES = Object.keys(FIXTURES) as FixtureName[];
const fileOf = (name: FixtureName) => join(FIXTURE_DIR, `${name}.json`);

/** Where the two first differ: the line, and both versions around the first differing character. */
function firstDifference(committed: string, recorded: string): string {
  const a = committed.split('\n');
  const b = recorded.split('\n');
  const line = Math.max(
    0,
    a.findIndex((l, n) => l !== b[n]),
  );
  const [was = '(end of file)', now = '(end of file)'] = [a[line], b[line]];
  let at = 0;
  while (at < was.length && was[at] === now[at]) at++;
  const around = (text: string) => text.slice(Math.max(0, at - 80), at + 160);
  return `line ${line + 1}:\n- …${around(was)}…\n+ …${around(now)}…`;
}

// One or the other, so that neither shows up as skipped.
if (!RECORD)
  describe('the mock fixtures are what the server answers', () => {
    it.each(NAMES)('%s', { timeout: 120_000 }, async (name) => {
      const recorded = serialise(await FIXTURES[name]());
      const file = fileOf(name);
      const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (committed !== recorded) {
        expect.fail(
          `${relative(repoRoot, file)} is not what the server answers now (${firstDifference(committed, recorded)}).\n` +
            "The panel's mocks replay these answers: run `npm run mocks:record` and commit the fixtures " +
            '(then adapt the web tests if what they show changed).',
        );
      }
    });
  });
else
  describe('npm run mocks:record', () => {
    it.each(NAMES)('%s', { timeout: 120_000 }, async (name) => {
      mkdirSync(FIXTURE_DIR, { recursive: true });
      writeFileSync(fileOf(name), serialise(await FIXTURES[name]()));
    });
  });
