// Boundaries that a shift by one slips past: risk-level band edges (each boundary score and the one
// below it), GMT+8 day edges to the millisecond, and the digest's list length (top 5 is five).
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { kycStates } from '../db/schema/index.ts';
import { runDailyDigest } from '../src/digest/job.ts';
import { buildDigest } from '../src/digest/model.ts';
import { digestText } from '../src/cli/render.ts';
import { createLogger } from '../src/logger.ts';
import { parseRange } from '../src/metrics/range.ts';
import { riskLevelOf } from '../src/compliance/risk.ts';
import { gmt8Day, gmt8DayStart } from '../src/time.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';

const store = await createTestStore();
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: testConfig().identity, clock };

// SPEC §1: low 0–24, low_medium 25–49, medium 50–74, high 75–99, very_high 100.
const BANDS = [
  [0, 'low'], [24, 'low'],
  [25, 'low_medium'], [49, 'low_medium'],
  [50, 'medium'], [74, 'medium'],
  [75, 'high'], [99, 'high'],
  [100, 'very_high'],
] as const;

describe('risk-level bands', () => {
  // Planted: `score >= 75` → `score > 75` and `score >= 25` → `score >= 24` in riskLevelOf: the 75 and
  // 24 rows fail (here and through ingest below).
  it.each(BANDS)('score %i is %s', (score, level) => expect(riskLevelOf(score)).toBe(level));

  it('stores the level of every boundary score through a real KYC record', async () => {
    const rows = BANDS.map(([score]) => ({ ext: uniq('risk'), score }));
    const r = await ingest(deps, rows.map(({ ext, score }) => ({ type: 'kyc', id: uniq('k'), timestamp: '2026-11-24T10:00:00+08:00', identifiers: { external_id: ext }, status: 'pending', risk_score: score })));
    const stored = await Promise.all(r.unifiedIds.map(async (id) => (await store.db.select().from(kycStates).where(eq(kycStates.customerId, id)))[0]!));
    expect(stored.map((s) => [s.riskScore, s.riskLevel])).toEqual(BANDS.map(([s, l]) => [s, l]));
  });
});

describe('GMT+8 day edges to the millisecond', () => {
  // Planted: gmt8Day adding GMT8_OFFSET_MS - 1 (the day turns 1 ms late) and + 1 (1 ms early): both fail.
  it.each([
    ['2026-11-24T00:00:00.000+08:00', '2026-11-24'],
    ['2026-11-23T23:59:59.999+08:00', '2026-11-23'],
    ['2026-11-24T23:59:59.999+08:00', '2026-11-24'],
    ['2026-11-25T00:00:00.000+08:00', '2026-11-25'],
    ['2026-11-24T15:59:59.999Z', '2026-11-24'],
    ['2026-11-24T16:00:00.000Z', '2026-11-25'],
  ])('%s is on %s', (at, day) => expect(gmt8Day(Date.parse(at))).toBe(day));

  it('starts each day at 00:00:00.000 GMT+8 and ranges end with today', () => {
    expect(gmt8DayStart('2026-11-24')).toBe(Date.parse('2026-11-23T16:00:00.000Z'));
    expect(parseRange('1d', Date.parse('2026-11-24T23:59:59.999+08:00'))).toMatchObject({ from: '2026-11-24', to: '2026-11-24' });
    expect(parseRange('1d', Date.parse('2026-11-25T00:00:00.000+08:00'))).toMatchObject({ from: '2026-11-25', to: '2026-11-25' });
    expect(parseRange('7d', Date.parse('2026-11-25T00:00:00.000+08:00'))).toMatchObject({ from: '2026-11-19', to: '2026-11-25' });
  });

  it('counts a transaction in the digest of its own GMT+8 day, live and after the nightly rollup', async () => {
    const ext = uniq('edge');
    const tx = (ts: string, usdt: string) => ({ type: 'transaction', id: uniq('t'), timestamp: ts, identifiers: { external_id: ext }, chain: 'tron', token: 'USDT', amount: usdt, usdt_value: usdt, direction: 'in' });
    await ingest(deps, [
      tx('2026-11-23T23:59:59.999+08:00', '1'), // the day before
      tx('2026-11-24T00:00:00.000+08:00', '10'), // first millisecond of the day
      tx('2026-11-24T23:59:59.999+08:00', '100'), // last millisecond of the day
      tx('2026-11-25T00:00:00.000+08:00', '1000'), // the next day
    ]);
    const live = await buildDigest(store.db, '2026-11-24', Date.parse('2026-11-25T00:00:00.000+08:00'));
    expect(live.transactions).toMatchObject({ count: 2, value_usdt: 110 });
    expect(live.transactions.vs_previous_day.base).toBe(1);
    clock.set('2026-11-25T00:10:00+08:00');
    await runDailyDigest({ store, clock, log: createLogger('silent'), notifiers: {}, render: async () => null }, clock().getTime());
    const rolled = await buildDigest(store.db, '2026-11-24', clock().getTime());
    expect(rolled.transactions).toMatchObject({ count: 2, value_usdt: 110 });
    expect(rolled.series.find((s) => s.day === '2026-11-23')?.value_usdt).toBe(1);
    expect(rolled.series.find((s) => s.day === '2026-11-24')?.value_usdt).toBe(110);
  });
});

describe("the digest's lists", () => {
  // Planted: buildDigest asking queryMetrics for 50 (and for 6) top customers instead of 5: both fail.
  it('lists exactly the top 5 customers of the day, largest first, in the model and the message', async () => {
    const day = '2026-11-20';
    const people = Array.from({ length: 7 }, (_, i) => ({ ext: uniq('top'), usdt: (i + 1) * 10 }));
    const r = await ingest(deps, people.map(({ ext, usdt }) => ({ type: 'transaction', id: uniq('t'), timestamp: `${day}T12:00:00+08:00`, identifiers: { external_id: ext }, chain: 'tron', token: 'USDT', amount: String(usdt), usdt_value: String(usdt), direction: 'in' })));
    const d = await buildDigest(store.db, day, Date.parse('2026-11-20T23:59:00+08:00'));
    expect(d.top_customers.map((t) => t.value_usdt)).toEqual([70, 60, 50, 40, 30]);
    expect(d.top_customers.map((t) => t.unified_id)).toEqual(r.unifiedIds.slice(2).reverse());
    const text = digestText(d);
    const listed = r.unifiedIds.filter((id) => text.includes(id));
    expect(listed, 'the message names five customers').toHaveLength(5);
  });
});
