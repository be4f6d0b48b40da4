import { describe, expect, it } from 'vitest';
import { toCsv } from './download';

describe('toCsv', () => {
  it('quotes commas, quotes and line breaks (RFC 4180) and ends lines with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['two\nlines', null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"two\nlines",\r\n');
  });

  it('keeps numbers as they are but defuses text that a spreadsheet would run as a formula', () => {
    expect(
      toCsv(
        ['n', 's'],
        [
          [-5, '=HYPERLINK("http://x")'],
          [0, '@SUM(A1)'],
        ],
      ),
    ).toBe('n,s\r\n-5,"\'=HYPERLINK(""http://x"")"\r\n0,\'@SUM(A1)\r\n');
  });

  it('writes objects as JSON', () => {
    expect(toCsv(['o'], [[{ a: 1 }]])).toBe('o\r\n"{""a"":1}"\r\n');
  });
});
