// A digest built for a day whose rollup is already final (a digest sent late, after a restart, or a
// preview of yesterday) must count that day once. It read the day live *and* took the `all` volume
// scope, which already held it: one 100 USDT transaction showed the customer at 200.
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../src/digest/model.ts';
import { queryMetrics } from '../src/metrics/query.ts';
import { computeRollup } from '../src/metrics/rollup.ts';
import { createTestStore, testConfig } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';

const store = await createTestStore();
const clock = () => new Date('2026-11-26T09:00:00+08:00');
const deps = { store, identity: testConfig().identity, clock };

describe('a digest of a day whose rollup is final', () => {
  // Planted (the bug itself, on today's main): the scope fit ignoring days read live: 200 here.
  it('counts the day once in top customers, the same as metrics for that day', async () => {
    const email = `${uniq('fd')}@example.com`;
    const [uid] = (await ingest(deps, [
      { type: 'transaction', id: uniq(), timestamp: '2026-11-24T15:00:00+08:00', identifiers: { email }, chain: 'tron', token: 'USDT', amount: '100', usdt_value: '100', direction: 'in' },
    ])).unifiedIds;
    // The nightly job ran after the day ended: the rollup is final and the day is in the volume totals.
    await computeRollup(store, '2026-11-24', Date.parse('2026-11-25T00:01:00+08:00'));
    const digest = await buildDigest(store.db, '2026-11-24', clock().getTime());
    expect(digest.transactions.value_usdt).toBe(100);
    expect(digest.top_customers).toEqual([{ unified_id: uid, count: 1, value_usdt: 100 }]);
    const day = await queryMetrics(store.db, { from: '2026-11-24', to: '2026-11-24', label: 'd' }, clock().getTime(), 5);
    expect(day.assetpro.top_customers).toEqual(digest.top_customers);
    // The same day asked for with its own end as "now" (how a late 23:59 digest reads it) agrees too.
    const atEnd = await queryMetrics(store.db, { from: '2026-11-24', to: '2026-11-24', label: 'd' }, Date.parse('2026-11-24T23:59:59.999+08:00'), 5);
    expect(atEnd.assetpro.top_customers).toEqual(digest.top_customers);
  });
});
