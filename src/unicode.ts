// Code units, no `u` flag: a high surrogate without its low half, or a low one without its high half.
// One character of look-around either side, so the test is linear in the string.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string from outside may not go further, or undefined. A lone surrogate has no UTF-8 form: the
 * libSQL binding aborts the whole process on it. A NUL cuts strings short in SQLite's C functions.
 */
export function badString(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'is not valid Unicode (it holds a lone UTF-16 surrogate)';
  return undefined;
}
