import { sql } from 'drizzle-orm';
import { getAddress, parseUnits } from 'viem';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectChain } from '../../src/onchain/client.ts';
import { refreshReadings } from '../../src/onchain/refresh.ts';
import { startOnchain } from '../../src/onchain/service.ts';
import type { Store } from '../../db/client.ts';
import { createTestApp } from '../support/app.ts';
import { startAnvil } from '../support/anvil.ts';
import { chainOn, DEPLOYER, startChain, TOKEN, type TestChain } from '../support/chain.ts';
import { identify, ingest, randomEvm, uniq } from '../support/factories.ts';
import { chainTransfers, evmConfig, storedTransfers, testIndexer } from '../support/onchain.ts';
import { startRpcProxy, type Fault, type RpcProxy } from '../support/rpc-proxy.ts';

const T0 = Date.parse('2026-11-20T10:00:00+08:00') / 1000;
let chain: TestChain;
let proxy: RpcProxy;
let usdt: `0x${string}`;
beforeAll(async () => {
  chain = await startChain({ chainId: 1, genesis: T0 - 1000 });
  proxy = await startRpcProxy(chain.url);
  usdt = await chain.deployToken('USDT', 6);
  await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits('100000', 6)] });
});
afterAll(async () => {
  await proxy?.stop();
  await chain?.stop();
});

const pay = (to: string, amount: string) => chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'transfer', args: [getAddress(to), parseUnits(amount, 6)] });

async function customers(deps: Parameters<typeof ingest>[0], n: number) {
  const wallets = Array.from({ length: n }, () => getAddress(randomEvm()));
  await ingest(deps, wallets.map((w) => identify({ email: `${uniq('f')}@example.com`, wallets: [{ chain: 'ethereum', address: w }] })));
  return wallets;
}

/** Everything the indexer and the enrichment write, to show a failed step wrote nothing. */
async function written(store: Store) {
  return {
    cursor: await store.db.all(sql`SELECT chain, block, hash, wallets_up_to FROM chain_cursors`),
    transfers: await storedTransfers(store),
    chainRows: await store.db.all(sql`SELECT record_id FROM chain_transfers ORDER BY record_id`),
    readings: await store.db.all(sql`SELECT address, holdings, block, read_at FROM onchain_readings ORDER BY address`),
  };
}

/** A log sink the test can read: the loop's warnings say what failed and how long it backs off. */
function memoryLog() {
  const lines: { msg: string; retry_in_ms?: number; err?: { message: string } }[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (b: Buffer, _e, cb) => (lines.push(JSON.parse(b.toString())), cb()) }));
  return { log, lines, failures: () => lines.filter((l) => l.msg === 'chain step failed; backing off') };
}

describe('the indexer and the enrichment against a node that answers badly', () => {
  it('treat every malformed JSON-RPC answer as an error and store nothing from it, then catch up with each transfer once', async () => {
    const t = await createTestApp({}, '2026-11-21T10:00:00+08:00');
    const wallets = await customers(t.deps, 2);
    const start = await chain.pub.getBlockNumber();
    await pay(wallets[0]!, '1');
    const config = evmConfig({ EVM_RPC_URLS: `ethereum=${proxy.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${start}` }).chains[0]!;
    const { indexer, catchUp, cc } = await testIndexer(config, t.deps);
    await catchUp();
    await refreshReadings(t.store, cc, () => t.clock().getTime(), 60_000);
    // New transfers wait on the chain: two blocks with transfers and a third after them.
    await pay(wallets[0]!, '2');
    await pay(wallets[1]!, '3');
    await chain.mine();

    const last = (f: (logs: any[]) => any[]) => (logs: any[]) => f(logs.map((l) => ({ ...l })));
    const cases: [string, Fault, string[] | undefined, RegExp][] = [
      ['a body that is not JSON', { kind: 'bad-json' }, ['eth_blockNumber'], /not JSON/],
      ['an answer under another id', { kind: 'wrong-id' }, ['eth_blockNumber'], /ids \d+ for requests/],
      ['an answer without a result', { kind: 'no-result' }, ['eth_getLogs'], /without a result or an error/],
      ['a head that is not a number', { kind: 'result', edit: () => '0xzz' }, ['eth_blockNumber'], /0xzz|BigInt/],
      ['logs that are not an array', { kind: 'result', edit: () => ({ logs: [] }) }, ['eth_getLogs'], /expected an array of logs/],
      ['a log with a topic missing', { kind: 'result', edit: last((ls) => ls.map((l) => ({ ...l, topics: l.topics.slice(0, 2) }))) }, ['eth_getLogs'], /is not an ERC-20 Transfer/],
      ['a log of a token not asked for', { kind: 'result', edit: last((ls) => ls.map((l) => ({ ...l, address: randomEvm().toLowerCase() }))) }, ['eth_getLogs'], /not asked for/],
      ['a log outside the block range', { kind: 'result', edit: last((ls) => ls.map((l) => ({ ...l, blockNumber: '0xffffff' }))) }, ['eth_getLogs'], /a log of block 16777215/],
      ['a log without its amount', { kind: 'result', edit: last((ls) => ls.map((l) => ({ ...l, data: '0x' }))) }, ['eth_getLogs'], /is not an ERC-20 Transfer/],
      ['a block hash of the wrong length', { kind: 'result', edit: (b) => ({ ...b, hash: '0x1234' }) }, ['eth_getBlockByNumber'], /malformed block from the node: expected a 32-byte hash/],
      ['blocks answered under each other\'s ids', { kind: 'swap-ids' }, ['eth_getBlockByNumber'], /asked for block \d+, got block \d+/],
      ['HTTP 500', { kind: 'status', status: 500 }, ['eth_getLogs'], /HTTP request failed|500/],
    ];
    for (const [what, fault, methods, message] of cases) {
      const before = await written(t.store);
      proxy.fault(fault, { methods });
      await expect(indexer.step(), what).rejects.toThrow(message);
      proxy.clear();
      expect(await written(t.store), `${what}: nothing stored`).toEqual(before);
    }

    // The enrichment: a multicall that answers nothing, a code of the wrong type.
    for (const [what, fault, methods, message] of [
      ['an empty eth_call', { kind: 'result', edit: () => '0x' }, ['eth_call'], /.+/],
      ['a code that is a number', { kind: 'result', edit: () => 42 }, ['eth_getCode'], /malformed code from the node/],
    ] as [string, Fault, string[], RegExp][]) {
      const before = await written(t.store);
      proxy.fault(fault, { methods });
      await expect(refreshReadings(t.store, cc, () => t.clock().getTime() + 120_000, 60_000), what).rejects.toThrow(message);
      proxy.clear();
      expect(await written(t.store), `${what}: nothing stored`).toEqual(before);
    }

    await catchUp();
    expect(await storedTransfers(t.store)).toEqual(await chainTransfers(chain.pub, usdt, wallets, start));
    expect((await storedTransfers(t.store)).length).toBe(3);
  }, 90_000);

  it('the real loop backs off through timeouts, 429 (waiting as long as Retry-After asks) and 5xx while lookups answer from the store, then catches up', async () => {
    const t = await createTestApp({}, '2026-11-21T10:00:00+08:00');
    const wallets = await customers(t.deps, 2);
    const start = await chain.pub.getBlockNumber();
    await pay(wallets[0]!, '5');
    const evm = evmConfig({
      EVM_RPC_URLS: `ethereum=${proxy.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6`, EVM_START_BLOCK: `ethereum=${start}`,
      EVM_POLL_MS: '100', EVM_RPC_TIMEOUT_MS: '1500', EVM_CONFIRMATIONS: '0',
    });
    const { log, failures } = memoryLog();
    const onchain = startOnchain({ store: t.store, identity: t.config.identity, clock: t.clock, log, evm });
    const expected = () => chainTransfers(chain.pub, usdt, wallets, start);
    try {
      await vi.waitFor(async () => {
        expect(await storedTransfers(t.store)).toEqual(await expected());
        expect((await written(t.store)).readings).toHaveLength(2);
      }, { timeout: 20_000, interval: 100 });
      const lookup = async () => {
        const res = await t.get(`/v1/profiles/${wallets[0]}`);
        expect(res.status).toBe(200);
        return (await res.json()) as { assetpro: { transaction_count: number }; wallets: { onchain: { read_at: string } | null }[] };
      };
      const known = await lookup();
      expect(known.wallets[0]!.onchain).not.toBeNull();

      // Timeouts: the node takes requests and never answers. The lookup answers from the store while
      // one of the loop's requests is held, and the loop notices the timeout and backs off.
      proxy.fault({ kind: 'hang' });
      await pay(wallets[0]!, '6');
      await vi.waitFor(() => expect(proxy.pending).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
      const during = await lookup();
      expect(proxy.pending, 'the lookup answered while an RPC request was held').toBeGreaterThan(0);
      expect(during.assetpro.transaction_count).toBe(known.assetpro.transaction_count);
      expect(during.wallets[0]!.onchain!.read_at).toBe(known.wallets[0]!.onchain!.read_at);
      // The held request times out (EVM_RPC_TIMEOUT_MS) and viem retries into the same silence.
      await vi.waitFor(() => expect(proxy.seen.filter((s) => s.fault === 'hang').length).toBeGreaterThan(1), { timeout: 30_000, interval: 50 });

      // 429 with Retry-After: 1. No request may come sooner than a second after a 429, neither from
      // viem's own retries nor from the loop's backoff.
      proxy.clear();
      proxy.fault({ kind: 'status', status: 429, retryAfter: 1 }, { times: 4 });
      const from429 = proxy.seen.length;
      await vi.waitFor(() => expect(proxy.seen.slice(from429).filter((s) => !s.fault).length).toBeGreaterThan(0), { timeout: 30_000, interval: 50 });
      const after = proxy.seen.slice(from429);
      const limited = after.map((s, i) => [s, after[i + 1]] as const).filter(([s, next]) => s.fault === 'status' && next);
      expect(limited.length).toBe(4);
      for (const [s, next] of limited) expect(next!.at - s.at, 'waited out Retry-After').toBeGreaterThanOrEqual(1000);
      expect(failures().some((f) => /429/.test(f.err!.message) && f.retry_in_ms! >= 1000)).toBe(true);
      // The lookup answers; the loop may already have taken in the 6 paid during the timeouts, since
      // requests pass again once the four 429s are spent (never anything more).
      expect([known.assetpro.transaction_count, known.assetpro.transaction_count + 1]).toContain((await lookup()).assetpro.transaction_count);

      // 5xx, then the node is back: everything paid meanwhile arrives, each transfer once.
      proxy.fault({ kind: 'status', status: 503 }, { times: 5 });
      await pay(wallets[1]!, '7');
      await vi.waitFor(() => expect(failures().some((f) => /503/.test(f.err!.message))).toBe(true), { timeout: 30_000, interval: 50 });
      await vi.waitFor(async () => expect(await storedTransfers(t.store)).toEqual(await expected()), { timeout: 30_000, interval: 100 });
      expect((await storedTransfers(t.store)).length).toBe(3);
      expect((await lookup()).assetpro.transaction_count).toBe(2);
    } finally {
      proxy.clear();
      await onchain.stop();
    }
  }, 90_000);

  it('a node stopped mid-run and started again on the same port: the indexer backs off, then resumes from its cursor row with each transfer once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'user360-anvil-'));
    const state = join(dir, 'state.json');
    // --state: the node writes its chain to the file when stopped and reads it back at start, so the
    // chain continues (same blocks, same hashes) as a real node's would after a restart.
    // Real time here: a restarted node stamps its next block with the wall clock, and the lease of the
    // stopped loop must run out for the new one.
    let node = await startChain({ chainId: 1, genesis: Math.floor(Date.now() / 1000) - 3600, args: ['--state', state] });
    const front = await startRpcProxy(node.url);
    const t = await createTestApp({}, new Date().toISOString());
    const clock = () => new Date();
    let onchain: ReturnType<typeof startOnchain> | undefined;
    try {
      const token = await node.deployToken('USDT', 6);
      await node.send({ address: token, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits('1000', 6)] });
      const start = await node.pub.getBlockNumber();
      const wallets = await customers(t.deps, 3);
      // Twelve blocks of transfers, read one block per eth_getLogs: the node goes away in the middle.
      for (let i = 0; i < 12; i++) await node.send({ address: token, abi: TOKEN.abi, functionName: 'transfer', args: [wallets[i % 3]!, parseUnits(String(i + 1), 6)] });
      const evm = evmConfig({
        EVM_RPC_URLS: `ethereum=${front.url}`, EVM_TOKENS: `ethereum:${token}:USDT:6`, EVM_START_BLOCK: `ethereum=${start}`,
        EVM_POLL_MS: '100', EVM_RPC_TIMEOUT_MS: '2000', EVM_CONFIRMATIONS: '0', EVM_LOG_WINDOW: '1', EVM_LEASE_MS: '1000',
      });
      const { log, failures } = memoryLog();
      // The read of the fifth block on is held: the indexer is mid-run when the node stops, with the
      // blocks before it ingested (by block, not by count: a step that fails under load reads again).
      const fifth = Number(start) + 4;
      front.fault({ kind: 'hang' }, { methods: ['eth_getLogs'], when: (c) => Number(BigInt((c.params as [{ fromBlock: string }])[0].fromBlock)) >= fifth });
      onchain = startOnchain({ store: t.store, identity: t.config.identity, clock, log, evm });
      await vi.waitFor(() => expect(front.pending).toBe(1), { timeout: 20_000, interval: 20 });
      const port = node.anvil.port;
      await node.stop();
      front.clear();
      const [cursor] = await t.store.db.all<{ block: number; hash: string }>(sql`SELECT block, hash FROM chain_cursors`);
      expect(cursor!.block).toBeGreaterThan(Number(start));
      expect(cursor!.block).toBeLessThan(Number(start) + 12);
      const indexedBefore = (await storedTransfers(t.store)).length;
      expect(indexedBefore).toBeGreaterThan(0);
      await vi.waitFor(() => expect(failures().length).toBeGreaterThan(0), { timeout: 20_000, interval: 50 });
      // Lookups answer from the store while the node is down.
      const res = await t.get(`/v1/profiles/${wallets[0]}`);
      expect(res.status).toBe(200);

      // The service restarts too (a new loop, nothing kept in memory) after the node is back.
      await onchain.stop();
      // Read again once the loop has stopped: the step that had the held window read ahead may still
      // have been committing the window before it.
      const [stopped] = await t.store.db.all<{ block: number }>(sql`SELECT block FROM chain_cursors`);
      expect(stopped!.block).toBeLessThan(Number(start) + 12);
      const restartedAt = front.seen.length;
      const again = await startAnvil({ chainId: 1, port, args: ['--state', state] });
      // Its first block after the restart carries the wall clock; explicit times follow from there.
      await fetch(again.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"evm_mine","params":[]}' });
      node = await chainOn(again, { chainId: 1, multicall: false });
      for (let i = 0; i < 2; i++) await node.send({ address: token, abi: TOKEN.abi, functionName: 'transfer', args: [wallets[i]!, parseUnits('50', 6)] });
      onchain = startOnchain({ store: t.store, identity: t.config.identity, clock, log, evm });
      await vi.waitFor(async () => expect(await storedTransfers(t.store)).toEqual(await chainTransfers(node.pub, token, wallets, start)), { timeout: 90_000, interval: 200 });
      expect((await storedTransfers(t.store)).length).toBe(14);
      // It went on from the cursor row: no block at or below it was read again.
      const reads = front.seen.slice(restartedAt).flatMap((s) => s.calls.filter((c) => c.method === 'eth_getLogs'));
      expect(reads.length).toBeGreaterThan(0);
      expect(Number(BigInt(reads[0]!.params![0].fromBlock))).toBe(stopped!.block + 1);
      for (const r of reads) expect(Number(BigInt(r.params![0].fromBlock))).toBeGreaterThan(stopped!.block);
    } finally {
      await onchain?.stop();
      await front.stop();
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
