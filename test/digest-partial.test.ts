/**
 * A digest preview of today is the day so far: it says so, compares with the same hours of earlier
 * days rather than with whole days, draws its bar as partial, and a day in the future is refused.
 */
import { describe, expect, it } from 'vitest';
import { runCommandText } from '../commands/index.ts';
import { digestText } from '../src/cli/render.ts';
import { chartTitle, volumeChartSvg } from '../src/digest/chart.ts';
import { buildDigest } from '../src/digest/model.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';

const store = await createTestStore();
const clock = settableClock('2026-11-25T09:30:00+08:00');
const deps = { store, identity: testConfig().identity, clock };
const ext = uniq('p-');
const tx = (ts: string, usdt: string) => ({ type: 'transaction', id: uniq('t'), timestamp: ts, identifiers: { external_id: ext }, chain: 'tron', token: 'USDT', amount: usdt, usdt_value: usdt, direction: 'in' });
await ingest(deps, [
  tx('2026-11-25T08:00:00+08:00', '50'), // today, before 09:30
  tx('2026-11-24T09:00:00+08:00', '100'), // yesterday by 09:30
  tx('2026-11-24T21:00:00+08:00', '900'), // yesterday, later in the day
  tx('2026-11-20T09:29:00+08:00', '70'), // five days ago by 09:30
  tx('2026-11-20T18:00:00+08:00', '7000'),
]);
const ctx = { store, identity: deps.identity, clock, caller: { platform: 'cli' as const, userId: 'op', role: 'admin' as const } };

describe('today\'s digest preview', () => {
  it('is the day so far, compared with the same hours of the days before', async () => {
    const r = await runCommandText('digest preview', ctx);
    expect(r.kind).toBe('digest');
    if (r.kind !== 'digest') return;
    const d = r.digest;
    expect(d).toMatchObject({ day: '2026-11-25', partial: true, compared_until: '09:30' });
    expect(d.transactions.value_usdt).toBe(50);
    expect(d.transactions.vs_previous_day).toEqual({ base: 100, delta: -50, percent: -50 });
    expect(d.transactions.vs_7day_average.base).toBe(24.29); // (100 + 70) / 7
    const text = digestText(d);
    expect(text).toContain('2026-11-25 (GMT+8), so far (to 09:30)');
    expect(text).toContain('vs previous day by 09:30: ▼ 50%');
    expect(chartTitle(d)).toContain('2026-11-25 so far');
  });

  it('compares a past day, and the 23:59 digest, as whole days', async () => {
    const past = await runCommandText('digest preview 2026-11-24', ctx);
    expect(past.kind === 'digest' && past.digest).toMatchObject({ partial: false, compared_until: null });
    const nightly = await buildDigest(store.db, '2026-11-25', Date.parse('2026-11-25T23:59:00+08:00'));
    expect(nightly.partial).toBe(false);
    expect(nightly.transactions.vs_previous_day.base).toBe(1000);
    expect(digestText(nightly)).not.toContain('so far');
  });

  it('refuses a day in the future', async () => {
    const r = await runCommandText('digest preview 2026-11-26', ctx);
    expect(r).toMatchObject({ kind: 'usage_error' });
    expect(r.kind === 'usage_error' && r.message).toContain('2026-11-26 is in the future');
  });

  it('draws the day still running lighter and labelled "so far"', async () => {
    const series = Array.from({ length: 3 }, (_, i) => ({ day: `2026-11-2${3 + i}`, value_usdt: 100 }));
    const partial = await volumeChartSvg(series, 't', '2026-11-25');
    expect(partial).toContain('so far');
    expect(partial.toLowerCase()).toContain('#a5d6a7');
    const whole = await volumeChartSvg(series, 't');
    expect(whole).not.toContain('so far');
    expect(whole.toLowerCase()).not.toContain('#a5d6a7');
  });
});
