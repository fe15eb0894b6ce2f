import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Store } from '../db/client.ts';
import { splitCustomer } from '../src/identity/split.ts';
import { queryMetrics } from '../src/metrics/query.ts';
import { createTestStore, settableClock, testConfig } from './support/db.ts';
import { identify, ingest, uniq } from './support/factories.ts';

// root_day_volume is kept by the database itself (migration 0012's triggers): whatever path changes
// a transaction or a customer's root, the table must equal the sum of the transactions it stands for.
const NOW = Date.parse('2026-11-22T12:00:00+08:00');

type Row = { root_id: string; day: string; count: number; micros: number };
const kept = (store: Store) => store.db.all<Row>(sql`SELECT root_id, day, count, CAST(micros AS REAL) AS micros FROM root_day_volume ORDER BY root_id, day`);
const fromTransactions = (store: Store) => store.db.all<Row>(sql`
  SELECT c.root_id, t.day, count(*) AS count, total(t.usdt_micros) AS micros FROM transactions t JOIN customers c ON c.id = t.customer_id
  GROUP BY c.root_id, t.day ORDER BY c.root_id, t.day`);
const expectKept = async (store: Store, what: string) => expect(await kept(store), what).toEqual(await fromTransactions(store));

const tx = (who: Record<string, unknown>, usdt: string, timestamp: string) => ({
  type: 'transaction', id: uniq('tx-'), timestamp, identifiers: who, chain: 'ethereum', token: 'USDT', amount: usdt, usdt_value: usdt, direction: 'in',
});

describe('root_day_volume', () => {
  it('follows every transaction stored and deleted and every merge and split, day by day', async () => {
    const store = await createTestStore();
    const deps = { store, identity: testConfig().identity, clock: settableClock(NOW) };
    const [ea, pb] = [`${uniq('a')}@example.com`, `+8869${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`];
    await ingest(deps, [identify({ email: ea }), identify({ phone: pb })]);
    await ingest(deps, [
      tx({ email: ea }, '10', '2026-11-21T09:00:00+08:00'), tx({ email: ea }, '5', '2026-11-22T09:00:00+08:00'),
      tx({ phone: pb }, '7', '2026-11-21T10:00:00+08:00'), tx({ phone: pb }, '1', '2026-11-22T10:00:00+08:00'), tx({ phone: pb }, '2', '2026-11-22T11:00:00+08:00'),
    ]);
    const rootOf = async (field: string, value: string) => (await store.db.all<{ root_id: string; id: string }>(sql`SELECT c.root_id, c.id FROM identifiers i JOIN customers c ON c.id = i.customer_id WHERE i.type = ${field} AND i.value = ${value}`))[0]!;
    const [a, b] = [await rootOf('email', ea), await rootOf('phone', pb)];
    expect(await kept(store)).toEqual([
      { root_id: a.root_id, day: '2026-11-21', count: 1, micros: 10e6 }, { root_id: a.root_id, day: '2026-11-22', count: 1, micros: 5e6 },
      { root_id: b.root_id, day: '2026-11-21', count: 1, micros: 7e6 }, { root_id: b.root_id, day: '2026-11-22', count: 2, micros: 3e6 },
    ].sort((x, y) => x.root_id.localeCompare(y.root_id) || x.day.localeCompare(y.day)));

    // One record names both: the two customers merge, and in the same batch one more payment arrives.
    await ingest(deps, [identify({ email: ea, phone: pb }), tx({ phone: pb }, '4', '2026-11-22T11:30:00+08:00')]);
    const merged = await rootOf('email', ea);
    expect((await rootOf('phone', pb)).root_id).toBe(merged.root_id);
    await expectKept(store, 'after the merge');
    expect((await kept(store)).filter((r) => r.day === '2026-11-22')).toEqual([{ root_id: merged.root_id, day: '2026-11-22', count: 4, micros: 12e6 }]);
    const top = async () => (await queryMetrics(store.db, { from: '2026-11-22', to: '2026-11-22', label: 'today' }, NOW)).assetpro.top_customers;
    expect(await top()).toEqual([{ unified_id: merged.root_id, count: 4, value_usdt: 12 }]);

    // The folded customer is split off again: its transactions go back to its own root.
    const folded = merged.root_id === a.id ? b.id : a.id;
    await store.write((t) => splitCustomer(t, folded, 'ops', NOW));
    await expectKept(store, 'after the split');
    expect((await kept(store)).map((r) => r.root_id).sort()).toEqual([a.id, a.id, b.id, b.id].sort());

    // A transaction deleted (what a reorg does): its day shrinks, and an emptied day has no row.
    await store.write((t) => t.run(sql`DELETE FROM transactions WHERE customer_id = ${a.id} AND day = '2026-11-21'`));
    await expectKept(store, 'after the delete');
    expect((await kept(store)).filter((r) => r.root_id === a.id).map((r) => r.day)).toEqual(['2026-11-22']);
    expect(await top()).toEqual([
      { unified_id: b.id, count: 3, value_usdt: 7 },
      { unified_id: a.id, count: 1, value_usdt: 5 },
    ]);
  });
});
