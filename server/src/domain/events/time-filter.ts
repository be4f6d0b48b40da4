import ms from 'ms';

/**
 * ISO 8601 as ECMAScript's Date.parse defines it (YYYY, YYYY-MM, YYYY-MM-DD, then optional THH:mm[:ss[.sss]]
 * and Z or ±HH:mm; a space may stand for the T). Checked before Date.parse, whose fallback parser also
 * accepts text such as "5", "-5" or "March 7" and turns it into some date around 2001.
 */
const ISO_DATE =
  /^\d{4}(?:-\d{2}(?:-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?$/i;

/**
 * A point in time from a filter: unix milliseconds, an ISO 8601 date, or a duration meaning "that long
 * before now" (e.g. 24h). Undefined when the text is none of these.
 */
export function parseTimeFilter(text: string, now: number): number | undefined {
  const s = text.trim();
  if (/^\d{10,}$/.test(s)) return Number(s);
  const ago = /^\d+(?:\.\d+)?\s*[a-z]+$/i.test(s) ? ms(s as ms.StringValue) : undefined;
  if (typeof ago === 'number' && Number.isFinite(ago)) return now - ago;
  if (!ISO_DATE.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** A point in time ahead: unix milliseconds, an ISO 8601 date, or a duration meaning "that long from now" (2h). */
export function parseFutureTime(text: string, now: number): number | undefined {
  const s = text.trim();
  if (/^\d+(?:\.\d+)?\s*[a-z]+$/i.test(s)) {
    const ahead = ms(s as ms.StringValue);
    return typeof ahead === 'number' && Number.isFinite(ahead) ? now + ahead : undefined;
  }
  return parseTimeFilter(s, now);
}
