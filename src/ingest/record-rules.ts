/**
 * The bounds of SPEC §3 "What a record may hold" that a zod shape cannot say on its own: every string
 * of a record is valid Unicode without NUL, amounts are bounded decimals, timestamps lie in a window
 * around the server clock. Each bound exists because something past it broke the service: a lone
 * surrogate made the libSQL binding abort the process, a NUL cut an id short (claiming another
 * record's id), amounts beyond 1e15 overflowed sums and made every later read fail.
 */

import { badString } from '../unicode.ts';
import { MAX_IDENTIFIER_LENGTH } from '../identity/normalize.ts';

export const MAX_ID_LENGTH = MAX_IDENTIFIER_LENGTH;
export const MAX_AMOUNT_DIGITS = 15; // 1e15 is the largest amount; a whole part has at most 16 digits
export const MAX_DECIMAL_PLACES = 18;
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

export interface StringIssue {
  path: string;
  message: string;
}

/**
 * Every string in a parsed JSON value (object keys included) that `badString` refuses, with its
 * dotted path. Iterative with an explicit stack: a body of nested arrays must not overflow the call
 * stack, and the walk is linear in the size of the value.
 */
export function findBadStrings(value: unknown): StringIssue[] {
  const issues: StringIssue[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const why = badString(v);
      if (why) issues.push({ path: path || '(record)', message: why });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: join(path, i) });
    } else if (v !== null && typeof v === 'object') {
      for (const key of Object.keys(v).reverse()) {
        const why = badString(key);
        if (why) issues.push({ path: join(path, key), message: `the key ${why}` });
        stack.push({ v: (v as Record<string, unknown>)[key], path: join(path, key) });
      }
    }
  }
  return issues;
}

// Linear: no nested quantifiers, and each part is anchored by a character the next part cannot hold.
const DECIMAL = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A non-negative decimal of at most 1e15 with at most 18 decimal places, as a plain decimal string;
 * or a reason it is refused. Exponent forms (`1.2e3`, and JSON numbers that JavaScript prints with an
 * exponent such as 1e-7) are accepted and spelled out, so what is stored is always plain decimal and
 * `1e400`, `1e308`, `1e300` are refused by the same bound as their spelled-out forms. Plain input is
 * kept as sent (only trimmed), so stored amounts read back the way the source wrote them.
 */
export function boundedDecimal(input: string): { value: string } | { reason: string } {
  const m = DECIMAL.exec(input);
  if (!m) return { reason: 'must be a non-negative decimal number such as "120.5"' };
  const [, whole = '', frac = '', exp] = m;
  const tooBig = { reason: 'must be at most 1e15 (1000000000000000)' };
  const tooFine = { reason: `must have at most ${MAX_DECIMAL_PLACES} decimal places` };
  const digits = (whole + frac).replace(/^0+/, '');
  if (!digits) return { value: exp === undefined ? input : '0' };
  // Where the decimal point falls within `digits`, counted from its first digit.
  const leadingZeros = whole.length + frac.length - digits.length;
  const shift = exp === undefined ? 0 : Number(exp);
  const point = whole.length - leadingZeros + shift;
  if (point > MAX_AMOUNT_DIGITS + 1) return tooBig; // an exponent of -1e400 gives -Infinity: too fine, below
  const significant = digits.replace(/0+$/, '');
  const places = Math.max(0, significant.length - point);
  if (places > MAX_DECIMAL_PLACES) return tooFine;
  if (point === MAX_AMOUNT_DIGITS + 1 && significant !== '1') return tooBig;
  if (exp === undefined) return { value: input };
  const intPart = point > 0 ? significant.slice(0, point).padEnd(point, '0') : '0';
  const fracPart = point >= 0 ? significant.slice(point) : '0'.repeat(-point) + significant;
  return { value: fracPart ? `${intPart}.${fracPart}` : intPart };
}

const EPOCH = Date.UTC(1970, 0, 1);

/** A reason the instant is refused: before 1970 or more than 24 hours after the server clock. */
export function timestampOutOfRange(at: number, now: number): string | undefined {
  if (!(at >= EPOCH)) return 'must not be before 1970-01-01';
  if (at > now + MAX_FUTURE_MS) return 'must not be more than 24 hours after the server clock';
  return undefined;
}
