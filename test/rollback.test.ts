// A batch is one write transaction: when a statement fails part-way through, everything the batch
// already wrote (record ids, customers, identifiers, merges, KYC state, alerts) is rolled back.
// The failure is real: a trigger created in the test database RAISEs on the batch's last insert,
// after the earlier statements of the same transaction have run.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Store } from '../db/client.ts';
import { body, createTestApp } from './support/app.ts';
import { identify, uniq } from './support/factories.ts';

/** Row count of every table but drizzle's own, so "nothing changed" means nothing anywhere. */
async function snapshot(store: Store): Promise<Record<string, number>> {
  const tables = await store.db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '__drizzle%' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
  const out: Record<string, number> = {};
  for (const { name } of tables) out[name] = Number((await store.db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM "${name}"`)))[0]!.n);
  return out;
}

describe('a batch that fails part-way through its write transaction', () => {
  // Planted: NativeWriter.transaction running COMMIT instead of ROLLBACK in its catch; and POST /v1/batch
  // ingesting record by record (one transaction each): the counts differ and the retried batch finds
  // its record ids taken, so this fails.
  it('leaves nothing of it behind, and the same batch is accepted whole once the cause is gone', async () => {
    const t = await createTestApp();
    const [older, newer] = [`${uniq('old')}@example.com`, `${uniq('new')}@example.com`];
    expect((await t.post('/v1/batch', [identify({ email: older })])).status).toBe(200);
    expect((await t.post('/v1/batch', [identify({ email: newer })])).status).toBe(200);
    await t.store.client.execute(`
      CREATE TRIGGER planted_failure BEFORE INSERT ON transactions WHEN NEW.record_id = 'late-boom'
      BEGIN SELECT RAISE(ABORT, 'planted failure on the last statement'); END`);
    const before = await snapshot(t.store);

    const batch = [
      identify({ email: [older, newer], phone: '+886 912 345 678' }, { traits: { name: 'Rolled Back' } }), // a merge, an identifier, traits
      { type: 'kyc', id: uniq('k'), timestamp: '2026-11-24T10:00:00+08:00', identifiers: { email: older }, status: 'rejected', risk_score: 90 }, // KYC state + an alert
      { type: 'event', id: uniq('v'), timestamp: '2026-11-24T10:00:00+08:00', identifiers: { email: `${uniq('ev')}@example.com` }, name: 'session_start', device: { id: uniq('d') } }, // a new customer
      { type: 'transaction', id: 'late-boom', timestamp: '2026-11-24T11:00:00+08:00', identifiers: { email: older }, chain: 'tron', token: 'USDT', amount: '5', usdt_value: '5', direction: 'in' },
    ];
    const res = await t.post('/v1/batch', batch);
    expect(res.status).toBe(500);
    expect(await body(res)).toMatchObject({ code: 'internal_error' });
    expect(await snapshot(t.store), 'no table gained or lost a row').toEqual(before);
    const merged = await t.store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM customers WHERE parent_id IS NOT NULL`);
    expect(Number(merged[0]!.n), 'the merge was rolled back').toBe(0);

    await t.store.client.execute('DROP TRIGGER planted_failure');
    const again = await t.post('/v1/batch', batch);
    expect(await body(again)).toMatchObject({ accepted: 4, duplicates: 0 });
    const after = await snapshot(t.store);
    expect(after.merges).toBe(before.merges! + 1);
    expect(after.alerts).toBe(before.alerts! + 1);
    expect(after.transactions).toBe(before.transactions! + 1);
  });
});
