import { getAddress, hexToNumber, parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYER, startChain, TOKEN, type TestChain } from '../support/chain.ts';
import { createTestStore, settableClock, testConfig } from '../support/db.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';
import { chainTransfers, evmConfig, storedTransfers, testIndexer } from '../support/onchain.ts';
import { startRpcProxy, type RpcProxy } from '../support/rpc-proxy.ts';

// How the indexer sizes and reads its eth_getLogs windows: one block first, then as many blocks as
// carry about `targetLogs` logs, the next window read while the current one is ingested; and a window
// read ahead is not trusted across a reorg.
const NOW = Date.parse('2026-11-22T12:00:00+08:00');
let chain: TestChain;
let proxy: RpcProxy;
let usdt: `0x${string}`;
beforeAll(async () => {
  chain = await startChain({ chainId: 1, genesis: Date.parse('2026-11-20T10:00:00+08:00') / 1000 });
  proxy = await startRpcProxy(chain.url);
  usdt = await chain.deployToken('USDT', 6);
  await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits('1000000', 6)] });
});
afterAll(async () => {
  await proxy?.stop();
  await chain?.stop();
});

async function customerWith(wallets: string[]) {
  const store = await createTestStore();
  const deps = { store, identity: testConfig().identity, clock: settableClock(NOW) };
  await ingest(deps, [identify({ email: `${uniq('w')}@example.com`, wallets: wallets.map((address) => ({ chain: 'ethereum', address })) })]);
  return deps;
}

/** The [from, to] of every eth_getLogs the proxy passed since `since` (an index into `seen`). */
const logRanges = (since: number) =>
  proxy.seen.slice(since).flatMap((s) => s.calls.filter((c) => c.method === 'eth_getLogs').map((c) => {
    const [{ fromBlock, toBlock }] = c.params as [{ fromBlock: `0x${string}`; toBlock: `0x${string}` }];
    return [hexToNumber(fromBlock), hexToNumber(toBlock)];
  }));

/** Waits for the window the indexer is reading ahead, if any (a private field: only this test needs it). */
const readAhead = (indexer: object) => (indexer as { ahead?: { read: Promise<unknown> } }).ahead?.read;

describe('the eth_getLogs window', () => {
  it('starts at one block, then spans as many blocks as carry about targetLogs logs; each window is read once, ahead of its step', async () => {
    const wallets = Array.from({ length: 3 }, () => getAddress(randomEvm()));
    const deps = await customerWith(wallets);
    const first = Number(await chain.pub.getBlockNumber()) + 1;
    // Eight blocks of three transfers each, then four empty ones.
    for (let i = 0; i < 8; i++) await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'payMany', args: [wallets, parseUnits('1', 6)] });
    for (let i = 0; i < 4; i++) await chain.mine();
    const last = Number(await chain.pub.getBlockNumber());
    const config = evmConfig({ EVM_RPC_URLS: `ethereum=${proxy.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${first}` }).chains[0]!;
    const { indexer } = await testIndexer(config, deps, { logWindow: 100, targetLogs: 6 });
    const since = proxy.seen.length;
    const sentBeforeStep: number[] = [];
    for (let i = 0; i < 20; i++) {
      const state = await indexer.step();
      await readAhead(indexer);
      sentBeforeStep.push(logRanges(since).length);
      if (state !== 'more') break;
    }
    const ranges = logRanges(since);
    // One block (3 logs), then two blocks (6 logs) a window; a window with one busy block and one empty
    // one (3 logs) doubles the next, which ends at the head.
    expect(ranges).toEqual([[first, first], [first + 1, first + 2], [first + 3, first + 4], [first + 5, first + 6], [first + 7, first + 8], [first + 9, last]]);
    expect(last).toBe(first + 11);
    // Each window was asked for once, during the step before its own (the last step reads nothing ahead).
    expect(sentBeforeStep).toEqual([2, 3, 4, 5, 6, 6]);
    expect(await storedTransfers(deps.store)).toEqual(await chainTransfers(chain.pub, usdt, wallets, BigInt(first)));
  });

  it('a window read ahead across a reorg is read again: a transfer the new branch put into it is indexed', async () => {
    const alice = getAddress(randomEvm());
    const deps = await customerWith([alice]);
    const first = Number(await chain.pub.getBlockNumber()) + 1;
    await chain.mine();
    const snap = await chain.test.snapshot();
    await chain.mine();
    await chain.mine();
    const config = evmConfig({ EVM_RPC_URLS: `ethereum=${proxy.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${first}` }).chains[0]!;
    const { indexer, catchUp } = await testIndexer(config, deps, { logWindow: 2 });
    const since = proxy.seen.length;
    // Step one reads its one empty block and reads the next two (also empty) ahead.
    expect(await indexer.step()).toBe('more');
    await readAhead(indexer);
    expect(logRanges(since)).toEqual([[first, first], [first + 1, first + 2]]);

    // The other branch: the same two heights, and Alice is paid in the first of them.
    await chain.test.revert({ id: snap });
    await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'transfer', args: [alice, parseUnits('7', 6)] });
    await chain.mine();
    // The answer read ahead (no logs) belongs to the old branch: the step refuses it and stores nothing.
    await expect(indexer.step()).rejects.toThrow(/changed while its window was read/);
    expect(await storedTransfers(deps.store)).toEqual([]);
    await catchUp();
    const expected = await chainTransfers(chain.pub, usdt, [alice], BigInt(first));
    expect(expected).toHaveLength(1);
    expect(await storedTransfers(deps.store)).toEqual(expected);
  });
});
