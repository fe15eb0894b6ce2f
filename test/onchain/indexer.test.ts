import { getAddress, parseUnits } from 'viem';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProfile } from '../../src/profile/profile.ts';
import { refreshReadings } from '../../src/onchain/refresh.ts';
import { startChain, TOKEN, DEPLOYER, type TestChain } from '../support/chain.ts';
import { createTestDb, settableClock, testConfig } from '../support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';
import { evmConfig, testIndexer } from '../support/onchain.ts';

// Anvil's funded, unlocked accounts #1 and #2: customers' wallets that can send.
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as const;
const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as const;

let chain: TestChain;
let usdt: `0x${string}`;
const T0 = Date.parse('2026-11-20T10:00:00+08:00') / 1000;
beforeAll(async () => {
  chain = await startChain({ chainId: 1, genesis: T0 - 1000 });
  await chain.mine(T0);
  usdt = await chain.deployToken('USDT', 6);
  await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits('100000', 6)] });
});
afterAll(() => chain?.stop());

const pay = (from: `0x${string}`, to: string, amount: string, at: number) =>
  chain.send({ account: from, address: usdt, abi: TOKEN.abi, functionName: 'transfer', args: [getAddress(to), parseUnits(amount, 6)] }, at);

async function setup() {
  const { store, url } = await createTestDb();
  const clock = settableClock('2026-11-21T10:00:00+08:00');
  const deps = { store, identity: testConfig().identity, clock };
  const config = evmConfig({ EVM_RPC_URLS: `ethereum=${chain.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${await chain.pub.getBlockNumber()}` }).chains[0]!;
  return { store, url, clock, deps, config };
}
const unifiedOf = async (store: Awaited<ReturnType<typeof setup>>['store'], address: string) =>
  (await store.db.query.identifiers.findFirst({ where: (t, { eq }) => eq(t.value, `evm:${getAddress(address)}`) }))!.customerId;
const profileOf = async (s: Awaited<ReturnType<typeof setup>>, address: string) => (await buildProfile(s.store, await unifiedOf(s.store, address), s.clock().getTime()))!;

describe('the indexer on a real node', () => {
  it('ingests transfers in and out once, merges pushed copies either way round, and backfills a wallet linked later', async () => {
    const s = await setup();
    await ingest(s.deps, [identify({ email: `${uniq('a')}@example.com`, wallets: [{ chain: 'ethereum', address: ALICE }] })]);
    await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'mint', args: [ALICE, parseUnits('1000', 6)] }, T0 + 100);
    const paidIn = await pay(DEPLOYER, ALICE, '100', T0 + 200);
    const paidOut = await pay(ALICE, randomEvm(), '40', T0 + 300);
    // The source system pushed the incoming transfer before the indexer saw it.
    const pushed = { type: 'transaction', id: uniq('push-'), timestamp: '2026-11-20T10:03:20+08:00', identifiers: { wallets: [{ chain: 'ethereum', address: ALICE }] }, chain: 'ethereum', token: 'USDT', amount: '100', usdt_value: '100', direction: 'in', tx_hash: paidIn.transactionHash };
    expect((await ingest(s.deps, [pushed])).accepted).toBe(1);

    const { catchUp, cc } = await testIndexer(s.config, s.deps);
    await catchUp();
    let p = await profileOf(s, ALICE);
    // mint 1000 + in 100 (pushed, not again) + out 40
    expect(p.assetpro).toMatchObject({ transaction_count: 3, transaction_value_usdt: 1140 });
    // The indexer's copy arrived second; pushing the outgoing transfer now is the same transaction again.
    const late = { ...pushed, id: uniq('push-'), amount: '40', usdt_value: '40', direction: 'out', tx_hash: paidOut.transactionHash.toUpperCase().replace('0X', '0x') };
    expect(await ingest(s.deps, [late])).toMatchObject({ accepted: 0, duplicates: 1 });
    await catchUp();
    p = await profileOf(s, ALICE);
    expect(p.assetpro).toMatchObject({ transaction_count: 3, transaction_value_usdt: 1140 });
    const ids = (await s.store.db.query.transactions.findMany()).map((t) => t.recordId).sort();
    expect(ids).toContain(`onchain:ethereum:${paidOut.transactionHash}:${paidOut.logs[0]!.logIndex}:out`);

    // First and last on-chain activity come from the indexed transfers, at their blocks' times.
    await refreshReadings(s.store, cc, () => s.clock().getTime(), 60_000);
    p = await profileOf(s, ALICE);
    expect(p.wallets[0]!.onchain).toMatchObject({ first_activity: new Date((T0 + 100) * 1000).toISOString(), last_activity: new Date((T0 + 300) * 1000).toISOString(), tokens: [{ symbol: 'USDT', balance: '1060' }] });

    // Bob was paid before anyone knew his wallet; linking it brings the transfer in.
    await pay(DEPLOYER, BOB, '25', T0 + 400);
    await catchUp();
    await ingest(s.deps, [identify({ email: `${uniq('b')}@example.com`, wallets: [{ chain: 'ethereum', address: BOB }] })]);
    await catchUp();
    await catchUp();
    expect((await profileOf(s, BOB)).assetpro).toMatchObject({ transaction_count: 1, transaction_value_usdt: 25 });
    expect((await profileOf(s, ALICE)).assetpro.transaction_count).toBe(3);
  });

  it('takes the transfers of blocks a reorg removed back out and reads the new blocks', async () => {
    const s = await setup();
    const wallet = getAddress(randomEvm());
    await ingest(s.deps, [identify({ email: `${uniq('r')}@example.com`, wallets: [{ chain: 'ethereum', address: wallet }] })]);
    const { catchUp } = await testIndexer(s.config, s.deps, { confirmations: 1 });
    await catchUp();
    const snap = await chain.test.snapshot();
    const base = chain.now();
    const orphan = await pay(DEPLOYER, wallet, '70', base + 10);
    await chain.mine(base + 11);
    await chain.mine(base + 12);
    await catchUp();
    expect((await profileOf(s, wallet)).assetpro).toMatchObject({ transaction_count: 1, transaction_value_usdt: 70 });

    // The other branch: the 70 never happened, a 5 did, and the chain grew longer.
    await chain.test.revert({ id: snap });
    await pay(DEPLOYER, wallet, '5', base + 20);
    for (let i = 1; i <= 4; i++) await chain.mine(base + 20 + i);
    await catchUp();
    const p = await profileOf(s, wallet);
    expect(p.assetpro).toMatchObject({ transaction_count: 1, transaction_value_usdt: 5 });
    const left = await s.store.db.query.chainTransfers.findMany({ where: (t, { eq }) => eq(t.txHash, orphan.transactionHash) });
    expect(left).toEqual([]);
  });

  it('two service processes following one chain index each transfer once (the lease), and the second takes over when the first stops', async () => {
    const s = await setup();
    const wallets = Array.from({ length: 5 }, () => getAddress(randomEvm()));
    await ingest(s.deps, wallets.map((w) => identify({ email: `${uniq('l')}@example.com`, wallets: [{ chain: 'ethereum', address: w }] })));
    let at = chain.now() + 10;
    for (const w of wallets) await pay(DEPLOYER, w, '3', at++);
    const env = { ...process.env, EVM_RPC_URLS: `ethereum=${chain.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${s.config.startBlock}`, EVM_POLL_MS: '100', EVM_LEASE_MS: '1500', EVM_LOG_WINDOW: '1', EVM_CONFIRMATIONS: '0' };
    const spawnWorker = (holder: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/chain-worker.ts', s.url, holder], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      const seen: string[] = [];
      child.stdout.on('data', (b: Buffer) => seen.push(...b.toString().trim().split('\n')));
      return { child, seen, stop: () => new Promise<void>((r) => (child.once('exit', () => r()), process.kill(child.pid!, 'SIGTERM'))) };
    };
    const [a, b] = [spawnWorker('instance-a'), spawnWorker('instance-b')];
    try {
      const count = async (w: string) => (await profileOf(s, w)).assetpro.transaction_count;
      await vi.waitFor(async () => expect(await Promise.all(wallets.map(count)), `a: ${a.seen.slice(-3)} b: ${b.seen.slice(-3)}`).toEqual([1, 1, 1, 1, 1]), { timeout: 90_000, interval: 200 });
      // Both were running at once: one indexed while the other stood by for its lease.
      await vi.waitFor(() => expect([a.seen.includes('standby'), b.seen.includes('standby')].sort()).toEqual([false, true]), { timeout: 30_000, interval: 200 });
      const [holder, waiting] = a.seen.includes('standby') ? [b, a] : [a, b];
      await holder.stop();
      const late = getAddress(randomEvm());
      await ingest(s.deps, [identify({ email: `${uniq('l')}@example.com`, wallets: [{ chain: 'ethereum', address: late }] })]);
      await pay(DEPLOYER, late, '9', at++);
      // The stopped holder's lease runs out; the other instance carries on from the same cursor.
      await vi.waitFor(async () => expect(await count(late)).toBe(1), { timeout: 90_000, interval: 200 });
      expect(waiting.seen.at(-1)).not.toBe('standby');
      expect(await Promise.all(wallets.map(count))).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await Promise.all([a, b].filter((w) => w.child.exitCode === null).map((w) => w.stop()));
    }
  }, 240_000);
});
