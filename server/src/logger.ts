/**
 * pino JSON lines on stdout. Under journald (JOURNAL_STREAM set) every line starts with its syslog priority
 * "<N>" (sd-daemon(3)), which journald strips and stores, so `journalctl -p warning` filters work.
 * @see https://www.freedesktop.org/software/systemd/man/sd-daemon.html
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogFormat } from './config.js';

export type { Logger } from 'pino';

/** pino numeric level -> syslog priority (trace/debug 7, info 6, warn 4, error 3, fatal 2). */
const SYSLOG_PRIORITY: Record<number, number> = { 10: 7, 20: 7, 30: 6, 40: 4, 50: 3, 60: 2 };

interface Writable {
  write(chunk: string): unknown;
}

/**
 * stdout, written off the event loop: lines logged while a write is in flight go out together (under load, one
 * line per request cost a synchronous write each: a tenth of the webhook path). Pino flushes it when the
 * process exits.
 */
function stdout(): Writable {
  const out = pino.destination({ dest: 1, sync: false });
  // Without a listener a failed write (journald gone: EPIPE) would end podup; a lost log line must not.
  out.on('error', () => undefined);
  return out;
}

export function journalDestination(out: Writable = stdout()): DestinationStream {
  const dest = {
    [Symbol.for('pino.metadata')]: true,
    lastLevel: 30,
    write(line: string) {
      out.write(`<${SYSLOG_PRIORITY[dest.lastLevel] ?? 6}>${line}`);
    },
  };
  return dest;
}

export interface LoggerOptions {
  level: string;
  format: LogFormat;
  destination?: Writable;
}

/** Field names that must never reach a log line, at the top level or one level down (pino paths). */
const REDACT = [
  'secret',
  'token',
  'signature',
  'authorization',
  '*.secret',
  '*.token',
  '*.signature',
  '*.authorization',
  'headers',
  '*.headers',
];

export function createLogger(options: LoggerOptions): Logger {
  const journal = options.format === 'journal';
  const out = options.destination;
  const destination: DestinationStream = journal
    ? journalDestination(out)
    : out
      ? { write: (line: string) => void out.write(line) }
      : stdout();
  return pino(
    {
      level: options.level,
      base: journal ? undefined : { pid: process.pid },
      // journald stamps each line itself
      timestamp: journal ? false : pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination,
  );
}
