/**
 * systemd's command-line syntax for ExecStart= (quoting, C escapes, "%" specifiers), both ways: podup writes
 * lines into drop-ins, and reads them back in tests. Pure.
 * @see https://www.freedesktop.org/software/systemd/man/systemd.service.html#Command%20lines
 */

const PLAIN = /^[A-Za-z0-9_@+=:,./-]+$/;

/** One argument as systemd reads it back unchanged: "%" doubled, quoted and escaped when it has to be. */
export function quoteExecArg(arg: string): string {
  const s = arg.replace(/%/g, '%%');
  if (PLAIN.test(s)) return s;
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `ExecStart=` value for argv, with "@" when the binary is not argv[0] and "-" for a failure ignored. */
export function execLine(cmd: { path: string; argv: readonly string[]; ignoreFailure: boolean }): string {
  const [first = cmd.path, ...rest] = cmd.argv;
  const head =
    first === cmd.path ? quoteExecArg(cmd.path) : `@${quoteExecArg(cmd.path)} ${quoteExecArg(first)}`;
  return `${cmd.ignoreFailure ? '-' : ''}${[head, ...rest.map(quoteExecArg)].join(' ')}`;
}

/** The words of an ExecStart= value (prefixes dropped): the inverse of execLine for what it writes. */
export function splitExecLine(line: string): string[] {
  const words: string[] = [];
  let i = /^[-@:+!]*/.exec(line)?.[0].length ?? 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] ?? '')) i++;
    if (i >= line.length) break;
    let word = '';
    let quote: string | null = null;
    for (; i < line.length; i++) {
      const c = line[i] ?? '';
      if (quote === null && /\s/.test(c)) break;
      if (c === '\\' && i + 1 < line.length) {
        const n = line[++i] ?? '';
        word += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      } else if (quote === null && (c === '"' || c === "'")) quote = c;
      else if (c === quote) quote = null;
      else if (c === '%' && line[i + 1] === '%') {
        word += '%';
        i++;
      } else word += c;
    }
    words.push(word);
  }
  return words;
}
