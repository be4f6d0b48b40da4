import ms from 'ms';

/**
 * A point in time from a filter: unix milliseconds, an ISO 8601 date, or a duration meaning "that long
 * before now" (e.g. 24h). Undefined when the text is none of these.
 */
export function parseTimeFilter(text: string, now: number): number | undefined {
  const s = text.trim();
  if (/^\d{10,}$/.test(s)) return Number(s);
  const ago = /^\d+(?:\.\d+)?\s*[a-z]+$/i.test(s) ? ms(s as ms.StringValue) : undefined;
  if (typeof ago === 'number' && Number.isFinite(ago)) return now - ago;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}
