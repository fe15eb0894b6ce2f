/**
 * "New customers" of a day are unified customers whose first record, across everyone merged into
 * them, falls on that day, whenever the records were loaded: live and from the nightly rollups,
 * through merges, splits and late records.
 */
import { describe, expect, it } from 'vitest';
import { splitCustomer } from '../src/identity/split.ts';
import { queryMetrics } from '../src/metrics/query.ts';
import { computeRollup, unfinishedDays } from '../src/metrics/rollup.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';
import { ingest, uniq } from './support/factories.ts';

const store = await createTestStore();
// Loaded "today", 2026-11-25: the history is three weeks old.
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: testConfig().identity, clock };
const now = () => clock().getTime();
const seen = (identifiers: Record<string, unknown>, day: string) => ({ type: 'identify', id: uniq(), timestamp: `${day}T10:00:00+08:00`, identifiers });
const event = (ext: string, day: string) => ({ type: 'event', id: uniq(), timestamp: `${day}T09:00:00+08:00`, identifiers: { external_id: ext }, name: 'session_start' });

async function newOn(from: string, to = from) {
  const m = await queryMetrics(store.db, { from, to, label: `${from}..${to}` }, now());
  return { n: m.compliance.new_customers, rolled: m.sources.rollup_days };
}
/** The nightly job's rollups, for every past day of November (not only days with transactions). */
async function rollUpEverything() {
  for (let d = 1; d <= 24; d++) await computeRollup(store, `2026-11-${String(d).padStart(2, '0')}`, now());
  expect(await unfinishedDays(store, now())).toEqual([]);
}

const [a, c] = [uniq('a-'), uniq('c-')];
const emailB = `${uniq('b')}@example.com`;

describe('new customers', () => {
  it('counts history by the day it happened, not the day it was loaded', async () => {
    await ingest(deps, [
      seen({ external_id: a }, '2026-11-05'), event(a, '2026-11-06'),
      seen({ email: emailB }, '2026-11-10'),
      seen({ external_id: c }, '2026-11-12'),
    ]);
    expect((await newOn('2026-11-25')).n).toBe(0);
    expect((await newOn('2026-11-01', '2026-11-15')).n).toBe(3);
    expect((await newOn('2026-11-05')).n).toBe(1);
    expect((await newOn('2026-11-06')).n).toBe(0);
    await rollUpEverything();
    const rolled = await newOn('2026-11-01', '2026-11-15');
    expect(rolled.rolled, 'past days come from the rollups').toBeGreaterThan(0);
    expect(rolled.n).toBe(3);
    expect((await newOn('2026-11-10')).n).toBe(1);
  });

  it('moves a customer to its earlier day when a late record arrives, and the rollups follow', async () => {
    await ingest(deps, [event(c, '2026-11-03')]);
    expect((await newOn('2026-11-12')).n).toBe(0);
    expect((await newOn('2026-11-03')).n).toBe(1);
    await rollUpEverything();
    expect(await newOn('2026-11-12')).toEqual({ n: 0, rolled: 1 });
    expect(await newOn('2026-11-03')).toEqual({ n: 1, rolled: 1 });
  });

  it('counts merged customers once, on the first day of either, and apart again after a split', async () => {
    // One record carrying b's email under a's external id: b merges into a (the older customer).
    await ingest(deps, [{ type: 'identify', id: uniq(), timestamp: '2026-11-20T10:00:00+08:00', identifiers: { external_id: a, email: emailB } }]);
    expect((await newOn('2026-11-10')).n, 'b is part of a, first seen 11-05').toBe(0);
    expect((await newOn('2026-11-05')).n).toBe(1);
    expect((await newOn('2026-11-01', '2026-11-15')).n).toBe(2);
    await rollUpEverything();
    expect(await newOn('2026-11-10')).toEqual({ n: 0, rolled: 1 });

    const loser = (await store.db.query.customers.findMany()).find((r) => r.parentId !== null)!;
    await store.write((tx) => splitCustomer(tx, loser.id, 'test', now()));
    expect((await newOn('2026-11-10')).n, 'b is its own customer again').toBe(1);
    await rollUpEverything();
    expect(await newOn('2026-11-10')).toEqual({ n: 1, rolled: 1 });
    expect((await newOn('2026-11-01', '2026-11-15')).n).toBe(3);
  });
});
