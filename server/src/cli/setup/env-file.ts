/**
 * podup's env file (the units' EnvironmentFile=), edited the way an operator would: `podup setup` sets the
 * variables it was told to and leaves every other line, comments and edits included, as it was.
 */

/** `text` with each of `values` set: its line replaced where it is, else appended. Undefined removes nothing. */
export function setEnvValues(text: string, values: Record<string, string>): string {
  const pending = new Map(Object.entries(values));
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out = lines.map((line) => {
    const key = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (key === undefined || !pending.has(key)) return line;
    const value = pending.get(key) ?? '';
    pending.delete(key);
    return `${key}=${value}`;
  });
  for (const [key, value] of pending) out.push(`${key}=${value}`);
  return `${out.join('\n')}\n`;
}

export function newEnvFile(values: Record<string, string>, header: string): string {
  return setEnvValues(`${header.trimEnd()}\n`, values);
}

/** A value systemd's EnvironmentFile= reads back as written: one line, no surrounding blanks or quotes. */
export function envValueProblem(key: string, value: string): string | undefined {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(key)) return `${key}: not a variable name`;
  if (/[\r\n]/.test(value)) return `${key}: the value must be one line`;
  if (value !== value.trim()) return `${key}: the value must not start or end with blanks`;
  if (/^["']/.test(value)) return `${key}: the value must not start with a quote`;
  return undefined;
}
