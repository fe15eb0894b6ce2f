// fmtInt, fmtMoney and fmtUsdt format without Intl (see enUs in format.ts); Intl.NumberFormat is the
// oracle. Planted: rounding up only above 5 (`> 53`) → the ties (0.125, 2.675 …) fail; the carry not
// reaching the integer part → 9.995 and 999.999 fail; no "-" for -0 or a negative that rounds to 0 → fails.
import { describe, expect, it } from 'vitest';
import { fmtInt, fmtMoney, fmtUsdt } from './format.ts';

const INT = new Intl.NumberFormat('en-US');
const MONEY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const USDT = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Edges by hand, then seeded pseudo-random values over many magnitudes, fractions and signs. */
function samples(): number[] {
  const edges = [
    0, -0, 1, -1, 0.5, 0.125, 0.375, 1.005, 2.675, 9.995, 99.995, 999.999, 999_999.995, 0.0049, 0.005, -0.004, -0.005, -0.0001,
    0.1 + 0.2, 1234.5, 1_000_000, 12_345_678.905, 123_456_789_012.345, Number.MAX_SAFE_INTEGER, 2 ** 60, 9.99e20, 1e21, 1.5e22,
    1e-6, 1e-7, 5e-7, 123e-9, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.9999, 0.99949, 19.5, 20.5,
  ];
  let x = 360;
  const rand = () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const out = [...edges];
  for (let i = 0; i < 20_000; i++) {
    const magnitude = 10 ** Math.floor(rand() * 14 - 4);
    const v = rand() * magnitude;
    const pick = i % 4;
    // Plain doubles, amounts in micro-units (how the store keeps USDT), ties at the third decimal, integers.
    const n = pick === 0 ? v : pick === 1 ? Math.round(v * 1e6) / 1e6 : pick === 2 ? (Math.round(v * 100) + 0.5) / 100 : Math.round(v);
    out.push(i % 3 === 0 ? -n : n);
  }
  return out;
}

describe('number formatting without Intl', () => {
  it('prints what Intl.NumberFormat en-US prints, for every sample', () => {
    const wrong: string[] = [];
    for (const n of samples()) {
      const want = [INT.format(n), MONEY.format(n), `${USDT.format(n)} USDT`];
      const got = [fmtInt(n), fmtMoney(n), fmtUsdt(n)];
      if (got.join('|') !== want.join('|')) wrong.push(`${n}: ${got.join(' | ')} ≠ ${want.join(' | ')}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});
