/**
 * The user name a ForwardAuth proxy sends (Remote-User, X-Forwarded-User). It becomes the actor written into
 * task logs, the event log and log lines, so only printable text is taken: no control, format (bidi) or line
 * separator characters, no padding, at most 128 characters.
 */
const MAX_USER = 128;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The name, or undefined when the header value is not one. */
export function forwardedUser(raw: string): string | undefined {
  // Node hands header bytes over as latin1; proxies send UTF-8.
  const bytes = Buffer.from(raw, 'latin1');
  if (bytes.toString('latin1') !== raw) return undefined;
  let name: string;
  try {
    name = UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  if (name.length === 0 || name.length > MAX_USER || name.trim() !== name) return undefined;
  return /[\p{C}\p{Zl}\p{Zp}]/u.test(name) ? undefined : name;
}
