import { describe, expect, it } from 'vitest';
import type { LogFormat } from './config.js';
import { createLogger, journalDestination } from './logger.js';

function collect(format: LogFormat, level = 'trace') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    format,
    destination: { write: (chunk: string) => lines.push(chunk) },
  });
  return { logger, lines };
}

/** Split "<N>{json}\n" into the priority and the parsed JSON. */
function journalLine(line: string): { priority: number; json: Record<string, unknown> } {
  const m = /^<(\d)>(\{.*\})\n$/s.exec(line);
  if (!m?.[1] || !m[2]) throw new Error(`not a journal line: ${JSON.stringify(line)}`);
  return { priority: Number(m[1]), json: JSON.parse(m[2]) as Record<string, unknown> };
}

describe('journal format', () => {
  it('prefixes every line with the syslog priority of its level', () => {
    const { logger, lines } = collect('journal');
    logger.trace('t');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    logger.fatal('f');
    const parsed = lines.map(journalLine);
    expect(parsed.map((p) => [p.json.msg, p.priority, p.json.level])).toEqual([
      ['t', 7, 'trace'],
      ['d', 7, 'debug'],
      ['i', 6, 'info'],
      ['w', 4, 'warn'],
      ['e', 3, 'error'],
      ['f', 2, 'fatal'],
    ]);
  });

  it('tracks the level per line, also when levels alternate', () => {
    const { logger, lines } = collect('journal');
    logger.error('a');
    logger.info('b');
    logger.error('c');
    logger.debug('d');
    expect(lines.map((l) => journalLine(l).priority)).toEqual([3, 6, 3, 7]);
  });

  it('uses the priority of child loggers too', () => {
    const { logger, lines } = collect('journal');
    logger.child({ component: 'intake' }).warn('slow');
    const { priority, json } = journalLine(lines[0] ?? '');
    expect(priority).toBe(4);
    expect(json.component).toBe('intake');
  });

  it('leaves out time and pid (journald records them)', () => {
    const { logger, lines } = collect('journal');
    logger.info({ n: 1 }, 'hello');
    const { json } = journalLine(lines[0] ?? '');
    expect(json).toEqual({ level: 'info', n: 1, msg: 'hello' });
  });

  it('respects the configured level', () => {
    const { logger, lines } = collect('journal', 'warn');
    logger.info('hidden');
    logger.debug('hidden');
    logger.warn('shown');
    expect(lines).toHaveLength(1);
    expect(journalLine(lines[0] ?? '').json.msg).toBe('shown');
  });

  it('journalDestination alone writes <6> before pino has set a level', () => {
    const out: string[] = [];
    const dest = journalDestination({ write: (c: string) => out.push(c) });
    dest.write('{"x":1}\n');
    expect(out).toEqual(['<6>{"x":1}\n']);
  });
});

describe('json format', () => {
  it('writes plain JSON lines with level label, time and pid, without a priority prefix', () => {
    const { logger, lines } = collect('json');
    logger.error({ code: 'X' }, 'boom');
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    expect(line.startsWith('{')).toBe(true);
    expect(line.endsWith('\n')).toBe(true);
    const json = JSON.parse(line) as Record<string, unknown>;
    expect(json).toMatchObject({ level: 'error', code: 'X', msg: 'boom', pid: process.pid });
    expect(typeof json.time).toBe('string');
    expect(Number.isNaN(Date.parse(json.time as string))).toBe(false);
  });
});

describe('redaction', () => {
  const SECRET_VALUES = {
    secret: 'value-of-secret-1',
    token: 'value-of-token-2',
    signature: 'sha256=value-of-signature-3',
    authorization: 'Bearer value-of-authorization-4',
  };
  const HEADER_VALUE = 'value-inside-headers-5';
  const all = [...Object.values(SECRET_VALUES), HEADER_VALUE];

  it.each(['journal', 'json'] as const)('censors sensitive top-level keys (%s)', (format) => {
    const { logger, lines } = collect(format);
    logger.info(
      { ...SECRET_VALUES, headers: { 'x-hub-signature-256': HEADER_VALUE }, keep: 'visible' },
      'request',
    );
    const text = lines.join('');
    for (const v of all) expect(text).not.toContain(v);
    const json = (format === 'journal' ? journalLine(text).json : JSON.parse(text)) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({
      secret: '[redacted]',
      token: '[redacted]',
      signature: '[redacted]',
      authorization: '[redacted]',
      headers: '[redacted]',
      keep: 'visible',
    });
  });

  it('censors the same keys one level down', () => {
    const { logger, lines } = collect('json');
    logger.warn(
      { req: { ...SECRET_VALUES, headers: { cookie: HEADER_VALUE }, url: '/webhooks/github' } },
      'rejected',
    );
    const text = lines.join('');
    for (const v of all) expect(text).not.toContain(v);
    const json = JSON.parse(text) as { req: Record<string, unknown> };
    expect(json.req).toEqual({
      secret: '[redacted]',
      token: '[redacted]',
      signature: '[redacted]',
      authorization: '[redacted]',
      headers: '[redacted]',
      url: '/webhooks/github',
    });
  });

  it('censors sensitive keys in child logger bindings', () => {
    const { logger, lines } = collect('json');
    logger.child({ token: SECRET_VALUES.token }).info('child');
    expect(lines.join('')).not.toContain(SECRET_VALUES.token);
    expect((JSON.parse(lines[0] ?? '') as Record<string, unknown>).token).toBe('[redacted]');
  });
});
