import { sql } from 'drizzle-orm';
import pino from 'pino';
import { formatUnits, getAddress, parseAbiItem, parseUnits, type PublicClient } from 'viem';
import { afterAll, beforeAll } from 'vitest';
import { DEPLOYER, startChain, TOKEN, type TestChain } from './chain.ts';
import { parseConfig, type ChainConfig } from '../../src/config.ts';
import { connectChain } from '../../src/onchain/client.ts';
import { ChainIndexer } from '../../src/onchain/indexer.ts';
import type { Reading } from '../../src/onchain/enrich.ts';
import type { Store } from '../../db/client.ts';
import type { Clock } from '../../src/time.ts';

export const quietLog = pino({ level: 'silent' });

/** The EVM part of the real config parser, from the settings a test would put in the environment. */
export function evmConfig(env: Record<string, string>) {
  const evm = parseConfig(env).evm;
  if (!evm) throw new Error('no EVM_RPC_URLS in the test settings');
  return evm;
}

/** An indexer for one configured chain, stepped by the test itself (no timers). */
export async function testIndexer(config: ChainConfig, deps: { store: Store; identity: ReturnType<typeof parseConfig>['identity']; clock: Clock }, opts: { holder?: string; confirmations?: number; logWindow?: number; targetLogs?: number } = {}) {
  const cc = await connectChain(config, { retryCount: 0, timeoutMs: 3000 });
  const indexer = new ChainIndexer(cc, {
    ...deps, log: quietLog, confirmations: opts.confirmations ?? 0, logWindow: opts.logWindow ?? 1000, holder: opts.holder ?? 'test', leaseMs: 60_000, targetLogs: opts.targetLogs,
  });
  /** Steps until caught up; returns the states seen. */
  const catchUp = async () => {
    const states: string[] = [];
    for (let i = 0; i < 100; i++) {
      const s = await indexer.step();
      states.push(s);
      if (s !== 'more') return states;
    }
    throw new Error('indexer did not catch up in 100 steps');
  };
  return { cc, indexer, catchUp };
}

/**
 * The ledger two ways, for "nothing counted twice or lost": the indexed transaction ids (with amounts)
 * the store holds, and the ids the chain's own Transfer logs say it should hold for these wallets.
 */
export async function storedTransfers(store: Store): Promise<string[]> {
  const rows = await store.db.all<{ record_id: string; amount: string }>(sql`SELECT record_id, amount FROM transactions WHERE record_id LIKE 'onchain:%'`);
  return rows.map((r) => `${r.record_id} ${r.amount}`).sort();
}

export async function chainTransfers(pub: PublicClient, token: `0x${string}`, wallets: string[], fromBlock: bigint, decimals = 6): Promise<string[]> {
  const mine = new Set(wallets.map((w) => getAddress(w)));
  const logs = await pub.getLogs({ address: token, event: parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)'), fromBlock, strict: true });
  return logs
    .flatMap((l) => {
      const id = `onchain:ethereum:${l.transactionHash}:${l.logIndex}`;
      const amount = formatUnits(l.args.value, decimals);
      return [...(mine.has(l.args.to) ? [`${id} ${amount}`] : []), ...(mine.has(l.args.from) ? [`${id}:out ${amount}`] : [])];
    })
    .sort();
}

/**
 * A chain (id 1) for the file's tests: started before them at `genesis` (seconds) with a 6-decimal USDT
 * whose `mint` went to the deployer, and stopped by its PID after them. `pay` sends one transfer from
 * the deployer in a block of its own at `at` (seconds).
 */
export function useUsdtChain(opts: { genesis: number; mint?: string }) {
  const t = {
    chain: undefined as unknown as TestChain,
    usdt: '0x' as `0x${string}`,
    pay: (to: string, amount: string, at?: number) =>
      t.chain.send({ address: t.usdt, abi: TOKEN.abi, functionName: 'transfer', args: [getAddress(to), parseUnits(amount, 6)] }, at),
  };
  beforeAll(async () => {
    t.chain = await startChain({ chainId: 1, genesis: opts.genesis });
    t.usdt = await t.chain.deployToken('USDT', 6);
    await t.chain.send({ address: t.usdt, abi: TOKEN.abi, functionName: 'mint', args: [DEPLOYER, parseUnits(opts.mint ?? '1000', 6)] });
  });
  afterAll(() => t.chain?.stop());
  return t;
}

/**
 * A stored-reading shape for tests without a node: `micros` of USDT on ethereum (null: a balance with no
 * price), as readWallets would make it; store it with the real storeReadings (src/onchain/enrich.ts).
 */
export function usdtReading(address: string, micros: number | null, at: number, block = 1234): Reading {
  const usdt = micros === null ? null : micros / 1e6;
  return {
    chain: 'ethereum', address: getAddress(address), kind: 'eoa', block, blockAt: at - 60_000, readAt: at,
    native: { symbol: 'ETH', address: null, balance: '0', value_usdt: null, price: null },
    tokens: [{ symbol: micros === null ? 'XYZ' : 'USDT', address: '0xdAC17F958D2ee523a2206206994597C13D831ec7', balance: String(usdt ?? 1), value_usdt: usdt, price: micros === null ? null : { source: 'peg', usdt: 1 } }],
    valueMicros: micros,
  };
}
