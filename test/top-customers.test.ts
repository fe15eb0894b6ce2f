import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { computeRollup } from '../src/metrics/rollup.ts';
import { queryMetrics } from '../src/metrics/query.ts';
import { splitCustomer } from '../src/identity/split.ts';
import { seededRandom } from '../src/seed/random.ts';
import { addDays, gmt8Day } from '../src/time.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';
import { identify, ingest, randomEvm, uniq } from './support/factories.ts';

/** Volume by each unified customer's first-touch source, the slow, obvious way from the fact table. */
async function bruteBySource(store: Awaited<ReturnType<typeof createTestStore>>, from: string, to: string) {
  const rows = await store.db.all<{ source: string; count: number; micros: number }>(sql`
    SELECT coalesce(a.acquisition_source, '(none)') AS source, count(*) AS count, sum(t.usdt_micros) AS micros
    FROM transactions t JOIN customers c ON c.id = t.customer_id LEFT JOIN audience a ON a.root_id = c.root_id
    WHERE t.day BETWEEN ${from} AND ${to} GROUP BY 1 ORDER BY micros DESC, source`);
  return rows.map((r) => ({ source: r.source, count: Number(r.count), value_usdt: Math.round(Number(r.micros) / 1e4) / 100 }));
}

/** The answer computed the slow, obvious way from the fact table. */
async function bruteTop(store: Awaited<ReturnType<typeof createTestStore>>, from: string, to: string, n: number) {
  const rows = await store.db.all<{ id: string; count: number; micros: number }>(sql`
    SELECT c.root_id AS id, count(*) AS count, sum(t.usdt_micros) AS micros FROM transactions t JOIN customers c ON c.id = t.customer_id
    WHERE t.day BETWEEN ${from} AND ${to} GROUP BY c.root_id ORDER BY micros DESC, id LIMIT ${n}`);
  return rows.map((r) => ({ unified_id: r.id, count: Number(r.count), value_usdt: Math.round(Number(r.micros) / 1e4) / 100 }));
}

describe('top customers over rollups, all-time totals and live days', () => {
  it('match a brute-force sum through merges, a split and a late record', async () => {
    const store = await createTestStore();
    const clock = settableClock('2026-11-25T12:00:00+08:00');
    const deps = { store, identity: testConfig().identity, clock };
    const rnd = seededRandom(11);
    const today = gmt8Day(clock().getTime());
    const people = Array.from({ length: 150 }, () => ({ email: `${uniq('t')}@example.com`, wallet: randomEvm() }));
    await ingest(deps, people.map((p) => identify({ email: p.email, wallets: [{ chain: 'ethereum', address: p.wallet }] })));
    // First campaign touches for two thirds of them, so volume by acquisition source has groups to keep apart.
    const sources = ['google', 'twitter', 'newsletter'];
    await ingest(deps, people.flatMap((p, i) => (i % 3 === 2 ? [] : [{
      type: 'event', id: uniq('e'), timestamp: `${addDays(today, -20)}T09:00:00+08:00`, identifiers: { email: p.email }, name: 'page_view', campaign: { source: sources[i % sources.length]!, medium: 'cpc', name: 'launch' },
    }])));
    const tx = (p: (typeof people)[number], day: string) => ({
      type: 'transaction', id: uniq('x'), timestamp: `${day}T${String(rnd.int(0, 23)).padStart(2, '0')}:30:00+08:00`,
      identifiers: { wallets: [{ chain: 'ethereum', address: p.wallet }] }, chain: 'ethereum', token: 'USDT', amount: '1', usdt_value: String(rnd.int(1, 5000)), direction: 'in',
    });
    const days = Array.from({ length: 8 }, (_, i) => addDays(today, i - 7));
    await ingest(deps, days.flatMap((d) => Array.from({ length: 60 }, () => tx(rnd.pick(people), d))));
    const check = async (label: string) => {
      for (const [from, to] of [[days[0]!, today], [addDays(today, -29), today], [addDays(today, -6), today], [days[3]!, today], [days[2]!, days[5]!]] as const) {
        const m = await queryMetrics(store.db, { from, to, label: `${from}..${to}` }, clock().getTime(), 7);
        expect(m.assetpro.top_customers, `${label} ${from}..${to}`).toEqual(await bruteTop(store, from, to, 7));
        expect(m.assetpro.by_acquisition_source, `by source, ${label} ${from}..${to}`).toEqual(await bruteBySource(store, from, to));
      }
    };
    // Nothing rolled up yet: the ranking is the database's alone.
    await check('before any rollup');
    for (const d of days.slice(0, -1)) await computeRollup(store, d, clock().getTime());
    await check('after the rollups');

    // A first campaign touch for someone whose volume is already rolled up: it moves to that source.
    await ingest(deps, [{ type: 'event', id: uniq('e'), timestamp: `${today}T08:00:00+08:00`, identifiers: { email: people[8]!.email }, name: 'page_view', campaign: { source: 'podcast', medium: 'audio', name: 'late' } }]);
    await check('after a late first touch');

    // Two customers found to be one person after their days were rolled up.
    await ingest(deps, [identify({ email: [people[0]!.email, people[1]!.email] })]);
    await ingest(deps, [identify({ email: [people[2]!.email, people[3]!.email] })]);
    await check('after merges');

    // A late transaction for a rolled-up day, and more live volume today.
    await ingest(deps, [tx(people[5]!, days[1]!), ...Array.from({ length: 10 }, () => tx(rnd.pick(people), today))]);
    await check('with a dirty day');

    // Someone with nothing rolled up and one large payment today must still come out on top.
    const whale = { email: `${uniq('w')}@example.com`, wallet: randomEvm() };
    await ingest(deps, [identify({ email: whale.email, wallets: [{ chain: 'ethereum', address: whale.wallet }] })]);
    await ingest(deps, [{ ...tx(whale, today), usdt_value: '900000' }]);
    await check('with a live-only customer on top');

    const merged = await store.db.all<{ id: string }>(sql`SELECT id FROM customers WHERE parent_id IS NOT NULL LIMIT 1`);
    await store.write((t) => splitCustomer(t, merged[0]!.id, 'test', clock().getTime()));
    await check('after a split');

    // The next night recomputes the dirty day; the totals take it back in.
    clock.set(`${addDays(today, 1)}T00:05:00+08:00`);
    await computeRollup(store, days[1]!, clock().getTime());
    await check('after the dirty day was rolled up again');
  });
});
