import { createPublicClient, defineChain, http, parseAbi, type PublicClient } from 'viem';
import * as z from 'zod';
import type { ChainConfig } from '../config.ts';
import { checkedFetch, MAX_ANSWER_BYTES, RpcAnswerError } from './rpc-fetch.ts';
import type { Address, EvmChain } from './settings.ts';

export { RpcAnswerError };

/** Chain ids and native coins of the EVM chains of §1 (viem/chains costs ~2 s to import). */
export const CHAIN_INFO: Record<EvmChain, { id: number; native: string; nativeDecimals: number }> = {
  ethereum: { id: 1, native: 'ETH', nativeDecimals: 18 },
  bsc: { id: 56, native: 'BNB', nativeDecimals: 18 },
  polygon: { id: 137, native: 'POL', nativeDecimals: 18 },
  arbitrum: { id: 42161, native: 'ETH', nativeDecimals: 18 },
  base: { id: 8453, native: 'ETH', nativeDecimals: 18 },
  optimism: { id: 10, native: 'ETH', nativeDecimals: 18 },
  avalanche: { id: 43114, native: 'AVAX', nativeDecimals: 18 },
};

export const MULTICALL3: Address = '0xcA11bde05977b3631167028862bE2a173976CA11';

export const erc20Abi = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);
export const multicall3Abi = parseAbi(['function getEthBalance(address) view returns (uint256)']);
export const aggregatorAbi = parseAbi([
  'function decimals() view returns (uint8)',
  'function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
]);

export interface ChainClient {
  chain: EvmChain;
  config: ChainConfig;
  client: PublicClient;
  /** Whether Multicall3 has code on this chain; without it reads go out as one JSON-RPC batch. */
  multicall: boolean;
}

export interface RpcOptions {
  timeoutMs?: number;
  retryCount?: number;
}

/**
 * One viem client per chain: JSON-RPC batching on (many getCode calls become one request), a timeout
 * per request, viem's retries (which back off and honour Retry-After on 429 and 5xx), and every
 * answer's JSON-RPC envelope checked before viem reads it (checkedFetch).
 */
export function chainClient(config: ChainConfig, opts: RpcOptions = {}): PublicClient {
  const info = CHAIN_INFO[config.chain];
  const chain = defineChain({
    id: info.id,
    name: config.chain,
    nativeCurrency: { name: info.native, symbol: info.native, decimals: info.nativeDecimals },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    // No blockCreated: a node standing in for the chain (a local anvil) has Multicall3 from block 0.
    contracts: { multicall3: { address: MULTICALL3 } },
  });
  return createPublicClient({
    chain,
    // viem caches the block number for 4 s by default; the indexer decides for itself how often to ask.
    cacheTime: 0,
    transport: http(config.rpcUrl, {
      batch: { batchSize: 1000 }, timeout: opts.timeoutMs ?? 10_000, retryCount: opts.retryCount ?? 3, retryDelay: 250, fetchFn: checkedFetch, maxResponseBodySize: MAX_ANSWER_BYTES,
    }),
  }) as PublicClient;
}

export class ChainMismatchError extends Error {}

/** Refuses a node that serves another chain than the one configured, and notes whether Multicall3 is there. */
export async function connectChain(config: ChainConfig, opts?: RpcOptions): Promise<ChainClient> {
  const client = chainClient(config, opts);
  const id = await client.getChainId();
  const want = CHAIN_INFO[config.chain].id;
  if (id !== want) throw new ChainMismatchError(`EVM_RPC_URLS: the node for ${config.chain} answers chain id ${id}, expected ${want}`);
  const code = await client.getCode({ address: MULTICALL3 });
  return { chain: config.chain, config, client, multicall: Boolean(code && code !== '0x') };
}

// JSON-RPC answers are validated before use: a proxy or a broken node can answer anything.
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, 'expected a hex string');
const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte hash');
export const blockSchema = z.object({ number: z.bigint().nonnegative(), hash: hash32, timestamp: z.bigint().nonnegative() });
export const codeSchema = hex.optional();

/** Block `n` (or the newest), checked: under a swapped JSON-RPC id the answer would be another block. */
export async function blockAt(client: PublicClient, n: number | 'latest') {
  const b = validated(blockSchema, await client.getBlock(n === 'latest' ? { blockTag: 'latest' } : { blockNumber: BigInt(n) }), 'block');
  if (n !== 'latest' && b.number !== BigInt(n)) throw new RpcAnswerError(`malformed block from the node: asked for block ${n}, got block ${b.number}`);
  return b;
}

/** The node's newest block number. */
export async function headOf(client: PublicClient): Promise<number> {
  return Number(validated(z.bigint().nonnegative(), await client.getBlockNumber(), 'block number'));
}

export function validated<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new RpcAnswerError(`malformed ${what} from the node: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}
