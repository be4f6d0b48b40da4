import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../installed.js';
import { envValueProblem, newEnvFile, setEnvValues } from './env-file.js';

describe("podup's env file as setup edits it", () => {
  it('replaces the lines of the variables it sets and keeps every other line', () => {
    const text = '# mine\nPODUP_HTTP_ADDR=127.0.0.1:1\nPODUP_LOG_LEVEL=debug\n\n# end\n';
    const out = setEnvValues(text, { PODUP_HTTP_ADDR: '127.0.0.1:2', PODUP_NODE: '/usr/bin/node' });
    expect(out).toBe(
      '# mine\nPODUP_HTTP_ADDR=127.0.0.1:2\nPODUP_LOG_LEVEL=debug\n\n# end\nPODUP_NODE=/usr/bin/node\n',
    );
    expect(parseEnvFile(out)).toEqual({
      PODUP_HTTP_ADDR: '127.0.0.1:2',
      PODUP_LOG_LEVEL: 'debug',
      PODUP_NODE: '/usr/bin/node',
    });
  });

  it('changes nothing when the values are already there', () => {
    const text = newEnvFile({ A: '1', B: '2' }, '# header');
    expect(text).toBe('# header\nA=1\nB=2\n');
    expect(setEnvValues(text, { B: '2', A: '1' })).toBe(text);
  });

  it('takes only values systemd reads back as written', () => {
    expect(envValueProblem('PODUP_PUBLIC_URL', 'https://x')).toBeUndefined();
    expect(envValueProblem('PODUP_PUBLIC_URL', 'a\nb')).toMatch(/one line/);
    expect(envValueProblem('PODUP_PUBLIC_URL', ' x')).toMatch(/blanks/);
    expect(envValueProblem('PODUP_PUBLIC_URL', '"x"')).toMatch(/quote/);
    expect(envValueProblem('lower', 'x')).toMatch(/not a variable name/);
  });
});
