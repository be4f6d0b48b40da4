/** Where a part of a unit's policy came from, in the words the Units page uses. */
const SOURCE_WORDS: Record<string, string> = {
  override: 'set in podup',
  label: 'unit label',
  config: 'PODUP_UNITS',
  default: 'default',
};

export const sourceWords = (source: string): string => SOURCE_WORDS[source] ?? source;
