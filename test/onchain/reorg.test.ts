import { sql } from 'drizzle-orm';
import { getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { computeRollup, unfinishedDays } from '../../src/metrics/rollup.ts';
import { queryMetrics } from '../../src/metrics/query.ts';
import { buildProfile } from '../../src/profile/profile.ts';
import { createTestStore, settableClock, testConfig } from '../support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';
import { chainTransfers, evmConfig, storedTransfers, testIndexer, useUsdtChain } from '../support/onchain.ts';

// Explicit block times (GMT+8) on days of their own, so every figure a transfer moves can be told apart.
const at = (local: string) => Date.parse(`${local}+08:00`);
const NOW = at('2026-11-22T12:00:00');
const t = useUsdtChain({ genesis: at('2026-11-19T10:00:00') / 1000 });
const pay = (to: string, amount: string, when: string) => t.pay(to, amount, at(when) / 1000);
const day = (d: string) => ({ from: d, to: d, label: d });

describe('a reorg', () => {
  it("takes back what the orphaned transfers did: customers' first and last activity, the audience row, the day figures and rollups; a pushed copy stays", async () => {
    const store = await createTestStore();
    const clock = settableClock(NOW);
    const deps = { store, identity: testConfig().identity, clock };
    const [alice, bob] = [getAddress(randomEvm()), getAddress(randomEvm())];
    const aliceEmail = `${uniq('a')}@example.com`;
    await ingest(deps, [
      identify({ email: aliceEmail, wallets: [{ chain: 'ethereum', address: alice }] }, { timestamp: '2026-11-21T09:00:00+08:00' }),
      identify({ email: `${uniq('b')}@example.com`, wallets: [{ chain: 'ethereum', address: bob }] }, { timestamp: '2026-11-19T12:00:00+08:00' }),
    ]);
    const start = await t.chain.pub.getBlockNumber();
    const config = evmConfig({ EVM_RPC_URLS: `ethereum=${t.chain.url}`, EVM_TOKENS: `ethereum:${t.usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${start + 1n}` }).chains[0]!;
    const { catchUp, indexer } = await testIndexer(config, deps, { confirmations: 1 });
    await catchUp();
    const snap = await t.chain.test.snapshot();

    // The branch that will be orphaned: Alice paid a day before her first record and again today,
    // Bob paid too, and the source system pushes Bob's transfer as well (the indexed copy came first).
    await pay(alice, '70', '2026-11-20T10:00:00');
    const bobs = await pay(bob, '30', '2026-11-20T10:00:05');
    await pay(alice, '5', '2026-11-22T11:00:00');
    await t.chain.mine(at('2026-11-22T11:00:01') / 1000);
    await catchUp();
    expect(await ingest(deps, [{ type: 'transaction', id: uniq('push-'), timestamp: '2026-11-20T10:00:05+08:00', identifiers: { wallets: [{ chain: 'ethereum', address: bob }] }, chain: 'ethereum', token: 'USDT', amount: '30', usdt_value: '30', direction: 'in', tx_hash: bobs.transactionHash }])).toMatchObject({ duplicates: 1 });
    // Each past day's nightly rollup (the digest job rolls every day, busy or not).
    for (const d of ['2026-11-19', '2026-11-20', '2026-11-21']) await computeRollup(store, d, NOW);
    expect(await unfinishedDays(store, NOW)).toEqual([]);

    const aliceId = (await store.db.query.identifiers.findFirst({ where: (t, { eq }) => eq(t.value, aliceEmail) }))!.customerId;
    const activity = async () => (await buildProfile(store, aliceId, NOW))!.activity;
    const figures = async (d: string) => {
      const m = await queryMetrics(store.db, day(d), NOW);
      return { new: m.compliance.new_customers, tx: m.assetpro.transaction_count, usdt: m.assetpro.transaction_value_usdt };
    };
    const audience = async () => (await store.db.all<{ first_seen_at: number; last_activity_at: number }>(sql`SELECT first_seen_at, last_activity_at FROM audience WHERE root_id = ${aliceId}`))[0];
    expect(await activity()).toMatchObject({ first_seen: '2026-11-20T02:00:00.000Z', last_activity: '2026-11-22T03:00:00.000Z' });
    expect(await audience()).toEqual({ first_seen_at: at('2026-11-20T10:00:00'), last_activity_at: at('2026-11-22T11:00:00') });
    expect(await figures('2026-11-20')).toEqual({ new: 1, tx: 2, usdt: 100 });
    expect(await figures('2026-11-21')).toEqual({ new: 0, tx: 0, usdt: 0 });

    // The other branch: none of that happened; Alice was paid 1 this morning. Nothing of the new branch
    // falls on the 21st: that day changes only because Alice is new on it again.
    await t.chain.test.revert({ id: snap });
    await pay(alice, '1', '2026-11-22T10:00:00');
    for (const when of ['2026-11-22T10:00:01', '2026-11-22T10:00:02', '2026-11-22T10:00:03', '2026-11-22T10:00:04']) await t.chain.mine(at(when) / 1000);
    // The first step only unwinds: Alice is back to her pushed record alone.
    expect(await indexer.step()).toBe('more');
    expect(await activity()).toMatchObject({ first_seen: '2026-11-21T01:00:00.000Z', last_activity: '2026-11-21T01:00:00.000Z' });
    expect(await audience()).toEqual({ first_seen_at: at('2026-11-21T09:00:00'), last_activity_at: at('2026-11-21T09:00:00') });
    await catchUp();

    expect(await activity()).toMatchObject({ first_seen: '2026-11-21T01:00:00.000Z', last_activity: '2026-11-22T02:00:00.000Z' });
    expect(await audience()).toEqual({ first_seen_at: at('2026-11-21T09:00:00'), last_activity_at: at('2026-11-22T10:00:00') });
    // Read live at once (the days are marked for their rollups), and the same after the rollups run again.
    const after = { '2026-11-20': { new: 0, tx: 1, usdt: 30 }, '2026-11-21': { new: 1, tx: 0, usdt: 0 }, '2026-11-22': { new: 0, tx: 1, usdt: 1 } };
    for (const [d, f] of Object.entries(after)) expect(await figures(d), d).toEqual(f);
    expect((await unfinishedDays(store, NOW)).sort()).toEqual(['2026-11-20', '2026-11-21']);
    for (const d of await unfinishedDays(store, NOW)) await computeRollup(store, d, NOW);
    for (const [d, f] of Object.entries(after)) expect(await figures(d), `${d} from its rollup`).toEqual(f);

    // Bob's transfer stays as the source pushed it; the indexed ledger is what the new branch holds.
    const bobId = (await store.db.query.identifiers.findFirst({ where: (t, { eq }) => eq(t.value, `evm:${bob}`) }))!.customerId;
    expect((await buildProfile(store, bobId, NOW))!.assetpro).toMatchObject({ transaction_count: 1, transaction_value_usdt: 30 });
    const indexedNow = (await storedTransfers(store)).filter((t) => !t.startsWith(`onchain:ethereum:${bobs.transactionHash}`));
    expect(indexedNow).toEqual(await chainTransfers(t.chain.pub, t.usdt, [alice, bob], start + 1n));
  });

  it('onto a shorter branch is unwound at once, not once the new branch outgrows the cursor', async () => {
    const store = await createTestStore();
    const clock = settableClock(NOW);
    const deps = { store, identity: testConfig().identity, clock };
    const wallet = getAddress(randomEvm());
    await ingest(deps, [identify({ email: `${uniq('s')}@example.com`, wallets: [{ chain: 'ethereum', address: wallet }] })]);
    const start = await t.chain.pub.getBlockNumber();
    const config = evmConfig({ EVM_RPC_URLS: `ethereum=${t.chain.url}`, EVM_TOKENS: `ethereum:${t.usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${start + 1n}` }).chains[0]!;
    const { catchUp, indexer } = await testIndexer(config, deps);
    const snap = await t.chain.test.snapshot();
    await pay(wallet, '70', '2026-11-22T10:10:00');
    await t.chain.mine(at('2026-11-22T10:10:01') / 1000);
    await t.chain.mine(at('2026-11-22T10:10:02') / 1000);
    await catchUp();
    const mine = async () => (await store.db.all<{ amount: string }>(sql`SELECT amount FROM chain_transfers WHERE wallet = ${wallet}`)).map((t) => t.amount);
    expect(await mine()).toEqual(['70']);

    // The other branch is one block long: its head is below the cursor.
    await t.chain.test.revert({ id: snap });
    await pay(wallet, '5', '2026-11-22T10:20:00');
    expect(Number(await t.chain.pub.getBlockNumber())).toBeLessThan(Number((await indexer.cursor())!.block));
    expect(await indexer.step()).toBe('more');
    expect(await mine()).toEqual([]);
    await catchUp();
    expect(await mine()).toEqual(['5']);
  }, 60_000);
});
