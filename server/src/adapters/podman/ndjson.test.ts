import { describe, expect, it } from 'vitest';
import { readNdjson } from './ndjson.js';
import { demultiplex } from './podman-api.js';

async function collect(chunks: Array<Buffer | string>): Promise<Array<Record<string, unknown>>> {
  async function* body() {
    for (const c of chunks) yield c;
  }
  const out: Array<Record<string, unknown>> = [];
  for await (const msg of readNdjson(body())) out.push(msg);
  return out;
}

describe('readNdjson', () => {
  it('yields one object per line', async () => {
    expect(await collect(['{"stream":"Trying to pull"}\n{"images":["abc"],"id":"abc"}\n'])).toEqual([
      { stream: 'Trying to pull' },
      { images: ['abc'], id: 'abc' },
    ]);
  });

  it('joins a line split across chunks, also inside a multi-byte character', async () => {
    const line = Buffer.from('{"stream":"Kopiere Blöcke ✓"}\n', 'utf8');
    // Split inside the 3-byte "✓" too: the decoder must not mangle it.
    const check = line.indexOf(Buffer.from('✓'));
    const parts = [line.subarray(0, 5), line.subarray(5, check + 1), line.subarray(check + 1)];
    expect(await collect(parts)).toEqual([{ stream: 'Kopiere Blöcke ✓' }]);
  });

  it('handles several lines in one chunk and a line over several chunks', async () => {
    expect(await collect(['{"a":1}\n{"b"', ':2}\n{"c":', '3', '}\n'])).toEqual([
      { a: 1 },
      { b: 2 },
      { c: 3 },
    ]);
  });

  it('yields a trailing line without a newline', async () => {
    expect(await collect(['{"a":1}\n', '{"id":"sha256:abc"}'])).toEqual([{ a: 1 }, { id: 'sha256:abc' }]);
  });

  it('reports lines that are not JSON objects as { stream }', async () => {
    expect(await collect(['Error: short read\n', '42\n', 'null\n', '"text"\n', '{broken\n'])).toEqual([
      { stream: 'Error: short read' },
      { stream: '42' },
      { stream: 'null' },
      { stream: '"text"' },
      { stream: '{broken' },
    ]);
  });

  it('skips blank lines and CRLF endings', async () => {
    expect(await collect(['\n{"a":1}\r\n\r\n  \n{"b":2}\r\n'])).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('yields nothing for an empty body', async () => {
    expect(await collect([])).toEqual([]);
    expect(await collect(['', '\n'])).toEqual([]);
  });
});

/** Docker's 8-byte frame header: stream type, three zero bytes, big-endian payload length. */
const frame = (stream: number, text: string): Buffer => {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('demultiplex', () => {
  it('concatenates the payloads of stdout and stderr frames in order', () => {
    const buf = Buffer.concat([
      frame(1, 'listening on :8080\n'),
      frame(2, 'warning: config missing\n'),
      frame(1, 'ready ✓\n'),
    ]);
    expect(demultiplex(buf)).toBe('listening on :8080\nwarning: config missing\nready ✓\n');
  });

  it('reads a frame whose payload is longer than 255 bytes', () => {
    const long = `${'x'.repeat(70_000)}\n`;
    expect(demultiplex(Buffer.concat([frame(1, long), frame(2, 'end\n')]))).toBe(`${long}end\n`);
  });

  it('keeps what there is of a truncated last frame', () => {
    const whole = frame(1, 'complete line\n');
    const cut = frame(2, 'partial line that is cut\n').subarray(0, 8 + 7);
    expect(demultiplex(Buffer.concat([whole, cut]))).toBe('complete line\npartial');
  });

  it('returns raw (unframed) text as it is', () => {
    const raw = 'plain log line 1\nplain log line 2\n';
    expect(demultiplex(Buffer.from(raw))).toBe(raw);
  });

  it('returns short buffers as text', () => {
    expect(demultiplex(Buffer.from('hi\n'))).toBe('hi\n');
    expect(demultiplex(Buffer.alloc(0))).toBe('');
  });
});
