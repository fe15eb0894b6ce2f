import { parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProfile } from '../../src/profile/profile.ts';
import { connectChain } from '../../src/onchain/client.ts';
import { refreshReadings } from '../../src/onchain/refresh.ts';
import { DEPLOYER, startChain, TOKEN, FEED, type TestChain } from '../support/chain.ts';
import { createTestStore, settableClock, testConfig } from '../support/db.ts';
import { identify, ingest, randomEvm } from '../support/factories.ts';
import { evmConfig, testIndexer } from '../support/onchain.ts';
import { getAddress } from 'viem';

let chain: TestChain;
beforeAll(async () => {
  chain = await startChain({ chainId: 1 });
});
afterAll(() => chain?.stop());

describe('enrichment on a real node', () => {
  it('reads native and token balances, prices them (peg and feed) and sums the net worth', async () => {
    const store = await createTestStore();
    const clock = settableClock('2026-11-20T10:00:00+08:00');
    const deps = { store, identity: testConfig().identity, clock };
    const usdt = await chain.deployToken('USDT', 6);
    const weth = await chain.deployToken('WETH', 18);
    const feed = await chain.deployFeed(8, 3000_00000000n);
    const wallet = getAddress(randomEvm());
    const delegated = getAddress(randomEvm());
    await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'mint', args: [wallet, parseUnits('1250.5', 6)] });
    await chain.send({ address: weth, abi: TOKEN.abi, functionName: 'mint', args: [wallet, parseUnits('2', 18)] });
    await chain.send({ address: feed, abi: FEED.abi, functionName: 'setAnswer', args: [3100_00000000n, 0n] }, chain.now() + 60);
    await chain.test.setBalance({ address: wallet, value: parseUnits('1.5', 18) });
    // EIP-7702: an EOA whose code designates a delegate is still the person's account.
    await chain.test.setCode({ address: delegated, bytecode: `0xef0100${usdt.slice(2)}` });
    await ingest(deps, [identify({ email: 'holder@example.com', wallets: [{ chain: 'ethereum', address: wallet }, { chain: 'ethereum', address: delegated }, { chain: 'ethereum', address: usdt }] })]);

    const evm = evmConfig({ EVM_RPC_URLS: `ethereum=${chain.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6,ethereum:${weth}:WETH:18`, PRICE_FEEDS: `ethereum:WETH:${feed}` });
    const cc = await connectChain(evm.chains[0]!);
    expect(cc.multicall).toBe(true);
    expect(await refreshReadings(store, cc, () => clock().getTime(), 60_000)).toBe(3);
    // Fresh readings are not read again.
    expect(await refreshReadings(store, cc, () => clock().getTime(), 60_000)).toBe(0);

    const unifiedId = (await store.db.query.identifiers.findFirst({ where: (t, { eq }) => eq(t.value, 'holder@example.com') }))!.customerId;
    const p = (await buildProfile(store, unifiedId, clock().getTime()))!;
    const w = p.wallets.find((x) => x.address === wallet)!.onchain!;
    expect(w).toMatchObject({ native_balance: '1.5', kind: 'eoa', value_usdt: 1250.5 + 6200, read_at: '2026-11-20T02:00:00.000Z' });
    expect(w.tokens).toEqual([
      { symbol: 'USDT', address: usdt, balance: '1250.5', value_usdt: 1250.5, price: { source: 'peg', usdt: 1 } },
      { symbol: 'WETH', address: weth, balance: '2', value_usdt: 6200, price: { source: 'feed', feed, usdt: 3100, updated_at: new Date((chain.now()) * 1000).toISOString() } },
    ]);
    // No feed for ETH: the native coin is shown without a value rather than with a guessed one.
    expect(w.native).toMatchObject({ symbol: 'ETH', value_usdt: null, price: null });
    expect(p.wallets.find((x) => x.address === delegated)!.onchain!.kind).toBe('delegated');
    expect(p.wallets.find((x) => x.address === usdt)!.onchain!.kind).toBe('contract');
    expect(p.assetpro.net_worth_usdt).toBe(7450.5);
    expect(p.assetpro.onchain_read_at).toBe('2026-11-20T02:00:00.000Z');
  });

  it('reads through a JSON-RPC batch where the chain has no Multicall3, with the same figures', async () => {
    const bare = await startChain({ chainId: 8453, multicall: false });
    try {
      const store = await createTestStore();
      const clock = settableClock('2026-11-20T10:00:00+08:00');
      const usdc = await bare.deployToken('USDC', 6);
      const wallet = getAddress(randomEvm());
      await bare.send({ address: usdc, abi: TOKEN.abi, functionName: 'mint', args: [wallet, parseUnits('7', 6)] });
      await ingest({ store, identity: testConfig().identity, clock }, [identify({ wallets: [{ chain: 'base', address: wallet }] })]);
      const cc = await connectChain(evmConfig({ EVM_RPC_URLS: `base=${bare.url}`, EVM_TOKENS: `base:${usdc}:USDC:6` }).chains[0]!);
      expect(cc.multicall).toBe(false);
      await refreshReadings(store, cc, () => clock().getTime(), 60_000);
      const [row] = await store.db.query.onchainReadings.findMany();
      expect(row).toMatchObject({ chain: 'base', address: wallet, kind: 'eoa', valueMicros: 7_000_000 });
    } finally {
      await bare.stop();
    }
  });

  it('reads a wallet again, before its reading is old, once the indexer has a transfer of it from a later block than the reading (and only then)', async () => {
    const store = await createTestStore();
    // This chain's blocks carry the wall clock; the indexer refuses transfers a day ahead of its clock.
    const clock = settableClock(Date.now());
    const deps = { store, identity: testConfig().identity, clock };
    const usdt = await chain.deployToken('USDT', 6);
    await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits('1000', 6)] });
    const wallet = getAddress(randomEvm());
    await ingest(deps, [identify({ email: 'follows@example.com', wallets: [{ chain: 'ethereum', address: wallet }] })]);
    const config = evmConfig({ EVM_RPC_URLS: `ethereum=${chain.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${await chain.pub.getBlockNumber()}` }).chains[0]!;
    const { catchUp, cc } = await testIndexer(config, deps);
    const pay = (amount: string) => chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'transfer', args: [wallet, parseUnits(amount, 6)] });
    // The clock never moves and readings may be an hour old: only a transfer can make one due.
    const refresh = () => refreshReadings(store, cc, () => clock().getTime(), 3_600_000);
    const reading = async () => (await store.db.query.onchainReadings.findFirst({ where: (t, { eq }) => eq(t.address, wallet) }))!;

    // Paid, and read at a later block before the indexer took the transfer in: the reading has it already.
    const paidAt = Number((await pay('4')).blockNumber);
    await chain.mine();
    expect(await refresh()).toBe(1);
    expect(await reading()).toMatchObject({ valueMicros: 4_000_000 });
    expect((await reading()).block).toBeGreaterThan(paidAt);
    await catchUp();
    expect(await refresh(), 'a transfer from before the reading makes nothing due').toBe(0);

    // Paid after the reading: once indexed, the wallet is read again, at the transfer's block itself.
    const laterAt = Number((await pay('6')).blockNumber);
    expect(await refresh(), 'not indexed yet: nothing says the reading is behind').toBe(0);
    await catchUp();
    expect(await refresh()).toBe(1);
    expect(await reading()).toMatchObject({ valueMicros: 10_000_000, block: laterAt });
    expect(await refresh(), 'a reading at the transfer\'s own block has it').toBe(0);
  }, 60_000);
});
