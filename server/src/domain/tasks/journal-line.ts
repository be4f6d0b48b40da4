/**
 * The line of a journal excerpt (the `diagnose` step's log message: "journal of web.service:\n..." ) that reads
 * like the error, for a task list row: the first that names a failure, else the excerpt's last line.
 */
const ERROR_LINE =
  /\b(error|failed|failure|fatal|panic|exception|denied|refused|main process exited|exit-code)\b/i;

export function journalErrorLine(excerpt: string): string | null {
  const lines = excerpt
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => ERROR_LINE.test(l)) ?? lines.at(-1) ?? null;
}
