/**
 * Replaying a recorded answer for another moment and another task: its times moved by `shiftMs`, and the
 * recorded task ids (or names) it mentions replaced by the ones of this request. Nothing else changes.
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export interface Rebinding {
  shiftMs?: number;
  /** Recorded text -> its stand-in here (task ids, a unit name, the recorded origin). */
  replace?: ReadonlyMap<string, string>;
}

export function replay<T>(value: T, how: Rebinding): T {
  const shift = how.shiftMs ?? 0;
  const pairs = [...(how.replace ?? [])].filter(([from, to]) => from !== to);
  const text = (s: string): string => {
    if (shift !== 0 && ISO_TIME.test(s)) return new Date(Date.parse(s) + shift).toISOString();
    let out = s;
    for (const [from, to] of pairs) if (out.includes(from)) out = out.split(from).join(to);
    return out;
  };
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return text(x);
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object')
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
    return x;
  };
  return walk(value) as T;
}

/** The server's task id alphabet, so made-up ids look like the recorded ones. */
const ID_ALPHABET = '3479ACDEFHJKMNPQRTUVWXY';

/** The n-th made-up task id: distinct for every n (each half is a bijection of the one before). */
export function madeUpTaskId(n: number): string {
  let x = (n + 0x2545f491) >>> 0;
  let id = 'tsk_';
  for (let half = 0; half < 2; half++) {
    x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    for (let i = 0, y = x; i < 8; i++, y = Math.floor(y / ID_ALPHABET.length))
      id += ID_ALPHABET[y % ID_ALPHABET.length];
  }
  return id;
}
