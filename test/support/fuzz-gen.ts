/**
 * Seeded generators of hostile payloads for test/fuzz.test.ts. The seeder's PRNG (mulberry32)
 * rather than a property-testing library: the suite needs reproducible streams of payloads, not
 * shrinking, and a failure names the seed and payload number to replay.
 */
import { seededRandom } from '../../src/seed/random.ts';

export type Rng = ReturnType<typeof rng>;

export function rng(seed: number) {
  // The same mulberry32 stream as the demo seeder's, so one generator serves both.
  const { next } = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}

/** Strings that broke something once, or could: invalid Unicode, NUL, prototype keys, markup, length. */
export const HOSTILE_STRINGS: readonly string[] = [
  '\ud800', 'a\udc00b', '\ud83d', 'x\u0000y', '\u0000', 'nul\u0000x', '😀', 'Ａ', '\u202e', '\ufeff',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__proto__:x', 'constructor:x',
  '', ' ', 'null', 'undefined', 'test@test.com', '0', '-1', 'n/a',
  'x'.repeat(257), 'y'.repeat(5000), '<tel:'.repeat(300), '< '.repeat(300), '<mailto:a@b.co|a@b.co>', '<tel:+886912345678|0912>',
  '<@U0PWNED>', '<!here>', '@everyone', '[Click](https://evil.example)', '*bold* _i_ ~s~ `c`', "'; DROP TABLE customers; --",
  '%00', '\\u0000', '{"a":1}', 'ext:', ':', 'wallet:', 'tron:T', 'ethereum:0x0000000000000000000000000000000000000000',
  '+886 912 345 678', '0912345678', 'alice@example.com', 'u_01ARZ3NDEKTSV4RRFFQ69G5FAV',
];

/** Numbers and number-like strings around every bound of an amount. */
export const HOSTILE_NUMBERS: readonly unknown[] = [
  '1e400', '1e308', 1e308, 1e300, '1e300', -1, '-1', 0, '0', 1e15, '1000000000000000', '1000000000000001', 9e12, '9000000000000',
  0.1, 1e-7, '1e-19', '0.0000000000000000001', '1.5e2', 2 ** 53 + 2, -0, '0x10', 'NaN', 'Infinity', '１２', ' 12 ', '12.', '.5',
];

export const HOSTILE_TIMESTAMPS: readonly unknown[] = [
  '0001-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-11-27T12:00:00+08:00',
  '2026-13-01T00:00:00Z', '2026-11-20', 'yesterday', 1732000000000, '2026-11-20T10:00:00', '2026-11-20T10:00:00+25:00',
];

/** Values of the wrong type, and nested junk. */
export function junk(r: Rng): unknown {
  switch (r.int(9)) {
    case 0: return null;
    case 1: return r.chance(0.5);
    case 2: return [];
    case 3: return {};
    case 4: return JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}');
    case 5: {
      let v: unknown = [r.pick(HOSTILE_STRINGS)];
      for (let i = 0; i < 40; i++) v = [v];
      return v;
    }
    case 6: return Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, r.pick(HOSTILE_STRINGS)]));
    case 7: return r.pick(HOSTILE_NUMBERS);
    default: return [r.pick(HOSTILE_STRINGS), r.pick(HOSTILE_NUMBERS), null];
  }
}

export function hostileValue(r: Rng): unknown {
  switch (r.int(4)) {
    case 0: return r.pick(HOSTILE_STRINGS);
    case 1: return r.pick(HOSTILE_NUMBERS);
    case 2: return r.pick(HOSTILE_TIMESTAMPS);
    default: return junk(r);
  }
}

export const RECORD_TYPES = ['identify', 'kyc', 'transaction', 'event', 'purchase'] as const;
export type FuzzType = (typeof RECORD_TYPES)[number];

/** A valid record of `type` with a unique id and identifier (`n` makes them unique). */
export function validRecord(type: FuzzType, n: number, seed: number): Record<string, unknown> {
  const base = { type, id: `fz-${seed}-${n}`, timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: `fz-c-${seed}-${n}` } };
  switch (type) {
    case 'identify':
      return { ...base, identifiers: { ...base.identifiers, email: `fz${n}.s${seed}@example.com` }, traits: { name: `Fuzz ${n}`, tags: ['vip'], platform: 'ios' } };
    case 'kyc':
      return { ...base, status: 'pending', risk_score: n % 101, form_number: `F-${n}`, tasks: [{ id: `T-${n}`, name: 'IDV', status: 'open' }], reason: 'fuzz' };
    case 'transaction':
      return { ...base, chain: 'tron', token: 'USDT', amount: `${n % 1000}.5`, usdt_value: `${n % 1000}.5`, direction: 'in', tx_hash: `h${n}` };
    case 'event':
      return { ...base, name: 'session_start', session_id: `s${n}`, device: { id: `d${n}`, model: 'iPhone 15', os: 'iOS 18', country: 'TW' } };
    case 'purchase':
      return { ...base, order_id: `o${n}`, amount: '1200', currency: 'TWD', items: [{ name: 'Desk lamp', category: 'Home', quantity: 1, price: '1200' }] };
  }
}

/** Every path to a value inside `v` (objects and arrays), for picking one to break. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v !== null && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      paths(child, p, out);
    }
  }
  return out;
}

/** One mutation of a record: a value replaced, a key dropped, or an unknown key added. */
export function mutate(r: Rng, record: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(record);
  const all = paths(copy);
  const path = r.pick(all);
  let parent: any = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const last = path.at(-1)!;
  switch (r.int(6)) {
    case 0:
      if (!Array.isArray(parent)) delete parent[last];
      else parent[last as number] = hostileValue(r);
      break;
    case 1:
      if (!Array.isArray(parent)) parent[r.pick(HOSTILE_STRINGS)] = hostileValue(r);
      break;
    default:
      parent[last] = hostileValue(r);
  }
  return copy;
}

/** JSON text that is broken, or holds what JSON.stringify cannot produce (1e400, raw escapes). */
export function brokenJson(r: Rng, text: string): string {
  switch (r.int(7)) {
    case 0: return text.slice(0, r.int(text.length));
    case 1: return text.replace(/"usdt_value":"[^"]*"/, '"usdt_value":1e400').replace(/"amount":"[^"]*"/, '"amount":-1e400');
    case 2: return text.replace(/"id":"[^"]*"/, '"id":"\\ud800"');
    case 3: return `${text},`;
    case 4: return text.replace(/:/, ':NaN,');
    case 5: return '['.repeat(5000) + ']'.repeat(5000);
    default: return text.replace(/"external_id":"[^"]*"/, '"external_id":"\\u0000"');
  }
}

/**
 * A path segment as a hostile client would send it: lone surrogates (which encodeURIComponent refuses)
 * go as the three bytes a naive UTF-8 encoder makes of them, so the server sees invalid UTF-8.
 */
export function encodeSegment(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    const hex = (b: number) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    return [...s]
      .map((c) => {
        const u = c.charCodeAt(0);
        return c.length === 1 && u >= 0xd800 && u <= 0xdfff ? hex(0xe0 | (u >> 12)) + hex(0x80 | ((u >> 6) & 0x3f)) + hex(0x80 | (u & 0x3f)) : encodeURIComponent(c);
      })
      .join('');
  }
}

/** Slash-command text: a subcommand (real, unknown or a prototype key) and hostile words. */
export function commandText(r: Rng): string {
  const sub = r.pick(['lookup', 'lookup', 'lookup', 'metrics', 'top', 'roles', 'alerts', 'digest', 'help', 'constructor', '__proto__', 'toString', '', 'x'.repeat(300)]);
  const words = Array.from({ length: r.int(4) }, () => {
    const v = hostileValue(r);
    return typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  });
  const text = [sub, ...words].join(' ');
  return r.chance(0.05) ? text.padEnd(4001, ' x') : text;
}
