import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { customers, identityConflicts, merges } from '../../db/schema/index.ts';
import { findCustomer } from '../profile/find.ts';
import { splitCustomer } from './split.ts';
import { createTestStore, settableClock, testConfig } from '../../test/support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../../test/support/factories.ts';

const store = await createTestStore();
const config = testConfig({ IDENTIFIER_LIMITS: 'email=2,wallet=500' });
const clock = settableClock('2026-11-25T12:00:00+08:00');
const deps = { store, identity: config.identity, clock };
const find = async (q: string) => (await findCustomer(store, q, config.identity)).unifiedId;

describe('identity resolution', () => {
  it('links every identifier of a record to one customer, found by any spelling', async () => {
    const email = `${uniq('alice')}@example.com`;
    const wallet = randomEvm();
    const ext = uniq('c-');
    const r = await ingest(deps, [identify({ external_id: ext, email: email.toUpperCase(), phone: '0912 345 678', kakao_id: 'ak', line_id: 'al', wallets: [{ chain: 'bsc', address: wallet }] })]);
    const uid = r.unifiedIds[0]!;
    for (const q of [email, ` ${email.toUpperCase()} `, `email:${email}`, `ext:${ext}`, `external_id:${ext}`, '+886 912 345 678', '+886912345678', '0912-345-678', wallet, wallet.toUpperCase().replace('0X', '0x'), `ethereum:${wallet}`, 'kakao:ak', 'kakao_id:ak', 'line:al', uid]) {
      expect(await find(q), q).toBe(uid);
    }
  });

  // Planted: without the skip in link(), the second chain's copy of the key was inserted too and the
  // whole batch failed on the identifiers' unique index (a 500 for an ordinary record).
  it('links one EVM address named on several chains in one record once, with a wallet row per chain', async () => {
    const wallet = randomEvm();
    const r = await ingest(deps, [identify({ email: `${uniq('m')}@example.com`, wallets: [{ chain: 'ethereum', address: wallet }, { chain: 'base', address: wallet }, { chain: 'ethereum', address: wallet }] })]);
    expect(r.accepted).toBe(1);
    const uid = r.unifiedIds[0]!;
    const ids = await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM identifiers WHERE customer_id = ${uid} AND type = 'wallet'`);
    expect(ids[0]!.n).toBe(1);
    const rows = await store.db.all<{ chain: string }>(sql`SELECT chain FROM wallets WHERE customer_id = ${uid} ORDER BY chain`);
    expect(rows.map((w) => w.chain)).toEqual(['base', 'ethereum']);
    expect(await find(`base:${wallet}`)).toBe(uid);
  });

  it('ignores blocked placeholder values and links nothing through them', async () => {
    const a = await ingest(deps, [identify({ email: 'test@test.com', external_id: uniq('c-') })]);
    const b = await ingest(deps, [identify({ email: 'test@test.com', external_id: uniq('c-') })]);
    expect(a.unifiedIds[0]).not.toBe(b.unifiedIds[0]);
    const only = await ingest(deps, [identify({ email: 'anonymous@example.com', kakao_id: 'unknown' })]);
    expect(only).toMatchObject({ accepted: 0, ignored: 1 });
  });

  it('merges two customers into the older one, logs it, and split restores both', async () => {
    const walletA = randomEvm();
    const emailB = `${uniq('b')}@example.com`;
    const [a] = (await ingest(deps, [identify({ wallets: [{ chain: 'ethereum', address: walletA }] })])).unifiedIds;
    clock.advance(1000);
    const [b] = (await ingest(deps, [identify({ email: emailB })])).unifiedIds;
    await ingest(deps, [{ type: 'transaction', id: uniq('t'), timestamp: '2026-11-21T10:00:00+08:00', identifiers: { email: emailB }, chain: 'tron', token: 'USDT', amount: '5', usdt_value: '5', direction: 'in' }]);
    expect(a).not.toBe(b);

    const linking = identify({ email: emailB, wallets: [{ chain: 'polygon', address: walletA }] });
    const r = await ingest(deps, [linking]);
    expect(r.unifiedIds).toEqual([a]);
    expect(await find(emailB)).toBe(a);
    const [log] = await store.db.select().from(merges).where(eq(merges.loserId, b!));
    expect(log).toMatchObject({ winnerId: a, loserId: b, recordType: 'identify', recordId: linking.id, actor: 'test' });

    await store.write((tx) => splitCustomer(tx, b!, 'ops', clock().getTime()));
    expect(await find(emailB)).toBe(b);
    expect(await find(walletA)).toBe(a);
    const [{ n }] = (await store.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM transactions t JOIN customers c ON c.id = t.customer_id WHERE c.root_id = ${b}`)) as [{ n: number }];
    expect(n, 'the transaction filed under b goes back with b').toBe(1);

    // A person split them: the same evidence does not merge them again, it becomes a conflict.
    await ingest(deps, [identify({ email: emailB, wallets: [{ chain: 'ethereum', address: walletA }] })]);
    expect(await find(emailB)).toBe(b);
    const conflicts = await store.db.select().from(identityConflicts).where(eq(identityConflicts.kind, 'split_pair'));
    expect(conflicts.some((c) => c.customerIds.includes(b!))).toBe(true);
  });

  it('never merges two customers that each hold a different external_id; identifiers stay with their first holder', async () => {
    const [e1, e2] = [uniq('c-'), uniq('c-')];
    const w = randomEvm();
    const [a] = (await ingest(deps, [identify({ external_id: e1 })])).unifiedIds;
    const [b] = (await ingest(deps, [identify({ external_id: e2, wallets: [{ chain: 'base', address: w }] })])).unifiedIds;
    const newEmail = `${uniq('n')}@example.com`;
    const r = await ingest(deps, [identify({ external_id: e1, wallets: [{ chain: 'base', address: w }], email: newEmail })]);
    expect(r.accepted).toBe(1);
    expect(await find(`ext:${e1}`)).toBe(a);
    expect(await find(w)).toBe(b);
    expect(await find(newEmail), 'the record’s other identifiers still resolve').toBe(a);
    const rows = await store.db.select().from(identityConflicts).where(eq(identityConflicts.kind, 'external_id'));
    expect(rows.some((c) => c.customerIds.includes(a!) && c.customerIds.includes(b!))).toBe(true);
  });

  it('keeps the per-type limit: a third email is not linked and the conflict is kept', async () => {
    const ext = uniq('c-');
    const emails = [1, 2, 3].map((i) => `${uniq(`l${i}`)}@example.com`);
    await ingest(deps, [identify({ external_id: ext, email: emails.slice(0, 2) })]);
    await ingest(deps, [identify({ external_id: ext, email: emails[2] })]);
    expect(await find(emails[2]!)).toBeNull();
    const rows = await store.db.select().from(identityConflicts).where(eq(identityConflicts.identifierValue, emails[2]!));
    expect(rows[0]).toMatchObject({ kind: 'limit', identifierType: 'email' });
  });

  it('refuses a merge that would break a limit', async () => {
    const [x, y] = [`${uniq('x')}@example.com`, `${uniq('y')}@example.com`];
    const [p, q] = [`${uniq('p')}@example.com`, `${uniq('q')}@example.com`];
    const [a] = (await ingest(deps, [identify({ email: [x, y] })])).unifiedIds;
    const [b] = (await ingest(deps, [identify({ email: [p, q] })])).unifiedIds;
    await ingest(deps, [identify({ email: [x, p] })]);
    expect(await find(p)).toBe(b);
    expect(await find(x)).toBe(a);
  });

  it('stops at 100 merges per customer', async () => {
    const hub = randomEvm();
    const [root] = (await ingest(deps, [identify({ wallets: [{ chain: 'ethereum', address: hub }] })])).unifiedIds;
    const others = Array.from({ length: 101 }, () => randomEvm());
    await ingest(deps, others.map((w) => identify({ wallets: [{ chain: 'ethereum', address: w }] })));
    await ingest(deps, others.map((w) => identify({ wallets: [{ chain: 'ethereum', address: hub }, { chain: 'ethereum', address: w }] })));
    const group = await store.db.select().from(customers).where(eq(customers.rootId, root!));
    expect(group.length).toBe(101);
    expect(await find(others[100]!)).not.toBe(root);
    const caps = await store.db.select().from(identityConflicts).where(eq(identityConflicts.kind, 'merge_cap'));
    expect(caps.length).toBeGreaterThan(0);
  });
});
