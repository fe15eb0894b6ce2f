/**
 * On-chain figures (issue 14) on a local Anvil with the real test contracts, against the bench's store:
 * - enrichment of N customer wallets (readWallets + storeReadings: balances, feed price and code at one
 *   block, stored) beside a raw viem multicall of the same balances;
 * - lookup latency of those customers (GET /v1/profiles/<wallet>) without and with their readings stored;
 * - indexing rate over a block range holding T Transfer logs that all touch customers (ChainIndexer steps:
 *   getLogs, checks, blocks, ingest, cursor) beside raw viem getLogs of the same range.
 */
import type { Client } from '@libsql/client';
import { createPublicClient, getAddress, http, parseUnits } from 'viem';
import pino from 'pino';
import { parseConfig } from '../../../src/config.ts';
import { connectChain, erc20Abi, MULTICALL3, multicall3Abi } from '../../../src/onchain/client.ts';
import { readWallets, storeReadings } from '../../../src/onchain/enrich.ts';
import { ChainIndexer } from '../../../src/onchain/indexer.ts';
import { startChain, TOKEN, DEPLOYER } from '../../support/chain.ts';
import { closedLoop, repeat } from '../load.ts';
import type { Service } from '../service.ts';

export interface OnchainOptions {
  wallets: number;
  transfers: number;
  /** Transfer logs per emitting transaction, and transactions per block. */
  perTx?: number;
  txPerBlock?: number;
  log?: (line: string) => void;
}

export async function onchainFigures(svc: Service, raw: Client, o: OnchainOptions) {
  const say = o.log ?? (() => {});
  const { rows } = await raw.execute({ sql: "SELECT address FROM wallets WHERE chain = 'ethereum' ORDER BY id LIMIT ?", args: [o.wallets] });
  const wallets = rows.map((r) => getAddress(String(r.address)));
  if (!wallets.length) throw new Error('the data set has no ethereum wallets');
  const chain = await startChain({ chainId: 1, genesis: Math.floor(svc.clock().getTime() / 1000) - 7200 });
  try {
    const usdt = await chain.deployToken('USDT', 6);
    const weth = await chain.deployToken('WETH', 18);
    const feed = await chain.deployFeed(8, 3000_00000000n);
    await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits('100000000', 6)] });
    for (let i = 0; i < wallets.length; i += 250) {
      await chain.send({ address: usdt, abi: TOKEN.abi, functionName: 'payMany', args: [wallets.slice(i, i + 250), parseUnits('10', 6)] });
    }
    const env = { EVM_RPC_URLS: `ethereum=${chain.url}`, EVM_TOKENS: `ethereum:${usdt}:USDT:6,ethereum:${weth}:WETH:18`, PRICE_FEEDS: `ethereum:WETH:${feed}`, EVM_CONFIRMATIONS: '0', EVM_RPC_TIMEOUT_MS: '120000' };
    const evm = parseConfig(env).evm!;
    const cc = await connectChain(evm.chains[0]!, { timeoutMs: evm.rpcTimeoutMs });
    const now = () => svc.clock().getTime();
    say(`[onchain] ${wallets.length} wallets funded; lookups without readings`);

    // Lookups first without any reading, then with every wallet's reading stored.
    const lookup = (withReading: boolean) => async (i: number) => {
      const res = await svc.get(`/v1/profiles/${wallets[i % wallets.length]}`);
      const body = (await res.json()) as { wallets?: { chain: string; address: string; onchain?: unknown }[] };
      if (res.status !== 200) return `HTTP ${res.status}`;
      const w = body.wallets?.find((x) => x.chain === 'ethereum' && x.address === wallets[i % wallets.length]);
      if (Boolean(w?.onchain) !== withReading) return `onchain part ${w?.onchain ? 'present' : 'missing'}`;
    };
    const runs = Math.max(1000, wallets.length);
    const without = await closedLoop(1, runs, 15_000, lookup(false));

    const enrich = await repeat(3, 30_000, async () => storeReadings(svc.store, await readWallets(cc, wallets, now)));
    const contracts = wallets.flatMap((a) => [
      { address: MULTICALL3, abi: multicall3Abi, functionName: 'getEthBalance', args: [a] } as const,
      { address: usdt, abi: erc20Abi, functionName: 'balanceOf', args: [a] } as const,
      { address: weth, abi: erc20Abi, functionName: 'balanceOf', args: [a] } as const,
    ]);
    // The baselines use a plain viem client: no answer checks, viem's defaults otherwise.
    const plain = createPublicClient({ chain: cc.client.chain, transport: http(chain.url, { maxResponseBodySize: 64 * 2 ** 20, timeout: 120_000 }), cacheTime: 0 });
    const rawMulticall = await repeat(3, 30_000, () => plain.multicall({ contracts, allowFailure: true, batchSize: 0 }));
    const withReadings = await closedLoop(1, runs, 15_000, lookup(true));
    say(`[onchain] enrichment p50 ${enrich.p50.toFixed(0)} ms; emitting ${o.transfers} Transfer logs`);

    // A block range holding o.transfers Transfer logs, every one paying a customer's wallet.
    const perTx = o.perTx ?? 1000;
    const perBlock = o.txPerBlock ?? 5;
    const payer = getAddress(`0x${'5e'.repeat(20)}`);
    const start = (await chain.pub.getBlockNumber()) + 1n;
    await chain.test.setAutomine(false);
    let sent = 0;
    while (sent < o.transfers) {
      for (let k = 0; k < perBlock && sent < o.transfers; k++) {
        const n = Math.min(perTx, o.transfers - sent);
        const to = Array.from({ length: n }, (_, j) => wallets[(sent + j) % wallets.length]!);
        await chain.wallet.writeContract({ address: usdt, abi: TOKEN.abi, functionName: 'emitTransfers', args: [payer, to, 1_000_000n], gas: 30_000_000n / BigInt(perBlock) });
        sent += n;
      }
      await chain.mine();
    }
    await chain.test.setAutomine(true);
    const end = await chain.pub.getBlockNumber();
    const blocks = Number(end - start + 1n);

    const rawStarted = performance.now();
    let rawLogs = 0;
    const rawWindow = 1n;
    for (let b = start; b <= end; b += rawWindow) {
      const to = b + rawWindow - 1n < end ? b + rawWindow - 1n : end;
      rawLogs += (await plain.getLogs({ address: usdt, event: erc20Abi[1], fromBlock: b, toBlock: to, strict: true })).length;
    }
    const rawSeconds = (performance.now() - rawStarted) / 1000;

    const notes: string[] = [];
    const log = { info: (o: unknown, msg?: string) => msg?.includes('narrowing') && notes.push(`${msg} (${JSON.stringify(o)})`), warn: () => {}, debug: () => {} } as unknown as pino.Logger;
    const indexer = new ChainIndexer(
      { ...cc, config: { ...cc.config, startBlock: start } },
      { store: svc.store, identity: svc.config.identity, clock: svc.clock, log, confirmations: 0, logWindow: evm.logWindow, holder: 'bench', leaseMs: 600_000 },
    );
    const before = Number((await raw.execute("SELECT count(*) AS n FROM transactions WHERE record_id LIKE 'onchain:%'")).rows[0]!.n);
    const idxStarted = performance.now();
    let steps = 0;
    while ((await indexer.step()) === 'more') steps++;
    const idxSeconds = (performance.now() - idxStarted) / 1000;
    const stored = Number((await raw.execute("SELECT count(*) AS n FROM transactions WHERE record_id LIKE 'onchain:%'")).rows[0]!.n) - before;

    return {
      wallets: wallets.length,
      enrich, rawMulticall, without, withReadings,
      indexing: { transfers: o.transfers, blocks, stored, steps, seconds: idxSeconds, perSecond: stored / idxSeconds, notes },
      rawGetLogs: { logs: rawLogs, seconds: rawSeconds, perSecond: rawLogs / rawSeconds },
    };
  } finally {
    await chain.stop();
  }
}

export type OnchainResult = Awaited<ReturnType<typeof onchainFigures>>;
