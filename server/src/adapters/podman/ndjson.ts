/** Newline-delimited JSON from a byte stream; a line that is not JSON is reported as { stream: line }. */
export async function* readNdjson(
  body: AsyncIterable<Buffer | string>,
): AsyncGenerator<Record<string, unknown>> {
  let buf = '';
  // One decoder for the whole stream: a multi-byte character may be split across chunks.
  const decoder = new TextDecoder();
  const parse = (line: string): Record<string, unknown> | undefined => {
    const t = line.trim();
    if (!t) return undefined;
    try {
      const v = JSON.parse(t) as unknown;
      return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : { stream: t };
    } catch {
      return { stream: t };
    }
  };
  for await (const chunk of body) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const msg = parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      if (msg) yield msg;
    }
  }
  const last = parse(buf + decoder.decode());
  if (last) yield last;
}
