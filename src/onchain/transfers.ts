import { sql } from 'drizzle-orm';
import { formatUnits, getAddress, numberToHex } from 'viem';
import * as z from 'zod';
import type { Queryable } from '../../db/client.ts';
import { identifiers } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import type { ChainTransferMeta } from '../ingest/onchain-match.ts';
import { blockAt, RpcAnswerError, validated, type ChainClient } from './client.ts';
import { feedCalls, priceJson, priceOf, valueMicros, type Price } from './prices.ts';
import type { Address } from './settings.ts';

export interface TransferLog {
  token: Address;
  from: Address;
  to: Address;
  value: bigint;
  block: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
}

/** keccak256("Transfer(address,address,uint256)"): topic 0 of every ERC-20 Transfer log. */
export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte hash');
const quantity = z.string().regex(/^0x[0-9a-fA-F]{1,16}$/, 'expected a hex quantity');
// A raw eth_getLogs entry. viem's getLogs would drop, without a word, a log that does not decode as the
// event asked for: here such a log is a malformed answer, so a transfer is never silently lost.
const rawLog = z.object({
  address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte address'),
  topics: z.array(hash32),
  data: z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'expected hex data'),
  blockNumber: quantity,
  blockHash: hash32,
  transactionHash: hash32,
  logIndex: quantity,
  removed: z.boolean().optional(),
});
const rawLogs = z.array(z.unknown(), { error: 'expected an array of logs' });

const addressTopic = (a: Address) => `0x${'0'.repeat(24)}${a.slice(2).toLowerCase()}`;
function topicAddress(topic: string, what: string): Address {
  if (!/^0x0{24}/.test(topic)) throw new RpcAnswerError(`malformed log from the node: the ${what} topic is not an address`);
  return getAddress(`0x${topic.slice(26)}`);
}

/**
 * Transfer logs of the chain's tokens in [from, to], optionally only those from or to `wallets`, read
 * with eth_getLogs and checked one by one: the token asked for, the Transfer topic with two address
 * topics and a 32-byte amount, a block inside the range, and the wallet filter honoured.
 */
export async function readTransfers(cc: ChainClient, from: bigint, to: bigint, wallets?: { side: 'from' | 'to'; addresses: Address[] }): Promise<TransferLog[]> {
  const tokens = new Set(cc.config.tokens.map((t) => t.address.toLowerCase()));
  if (!tokens.size) return [];
  const filter = wallets?.addresses.map(addressTopic);
  const topics = [TRANSFER_TOPIC, wallets?.side === 'from' ? filter! : null, wallets?.side === 'to' ? filter! : null];
  const answer = await cc.client.request({
    method: 'eth_getLogs',
    params: [{ address: [...tokens] as Address[], topics: topics as `0x${string}`[], fromBlock: numberToHex(from), toBlock: numberToHex(to) }],
  });
  const wanted = filter && new Set(filter);
  const out: TransferLog[] = [];
  for (const raw of validated(rawLogs, answer, 'logs')) {
    const l = validated(rawLog, raw, 'log');
    if (l.removed) continue;
    const block = BigInt(l.blockNumber);
    if (block < from || block > to) throw new RpcAnswerError(`malformed logs from the node: a log of block ${block} for blocks ${from}..${to}`);
    const token = l.address.toLowerCase();
    if (!tokens.has(token)) throw new RpcAnswerError(`malformed logs from the node: a log of ${l.address}, which was not asked for`);
    if (l.topics.length !== 3 || l.topics[0]!.toLowerCase() !== TRANSFER_TOPIC || l.data.length !== 66) {
      throw new RpcAnswerError(`malformed logs from the node: log ${l.logIndex} of ${l.transactionHash} is not an ERC-20 Transfer`);
    }
    const side = wallets?.side === 'from' ? l.topics[1]! : wallets?.side === 'to' ? l.topics[2]! : undefined;
    if (side && !wanted!.has(side.toLowerCase())) throw new RpcAnswerError('malformed logs from the node: a log outside the wallet filter asked for');
    out.push({
      token: token as Address, from: topicAddress(l.topics[1]!, 'from'), to: topicAddress(l.topics[2]!, 'to'), value: BigInt(l.data),
      block: Number(block), blockHash: l.blockHash.toLowerCase(), txHash: l.transactionHash.toLowerCase(), logIndex: Number(BigInt(l.logIndex)),
    });
  }
  return out;
}

const I = sqlNames(identifiers);

/** Which of `addresses` (checksummed) are a customer's wallet. */
export async function customerWallets(db: Queryable, addresses: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  const unique = [...new Set(addresses)];
  for (let i = 0; i < unique.length; i += 5000) {
    const chunk = JSON.stringify(unique.slice(i, i + 5000));
    const rows = await db.all<{ value: string }>(sql`SELECT ${I.value} FROM ${I.$} WHERE ${I.type} = 'wallet' AND ${I.value} IN (SELECT 'evm:' || j.value FROM json_each(${chunk}) AS j)`);
    for (const r of rows) out.add(r.value.slice(4));
  }
  return out;
}

export interface BlockFacts {
  hash: string;
  at: number;
  prices: Map<string, Price>;
}

/** Hash, time and feed prices of each block (one JSON-RPC batch for the blocks, one multicall per block with feeds). */
export async function blockFacts(cc: ChainClient, blocks: number[]): Promise<Map<number, BlockFacts>> {
  const feeds = feedCalls(cc.config);
  const out = new Map<number, BlockFacts>();
  await Promise.all(
    blocks.map(async (n) => {
      const b = await blockAt(cc.client, n);
      let prices = new Map<string, Price>();
      if (feeds.calls.length) {
        const results = cc.multicall
          ? await cc.client.multicall({ contracts: feeds.calls, blockNumber: BigInt(n), allowFailure: true })
          : await Promise.all(feeds.calls.map((c) => cc.client.readContract({ ...c, blockNumber: BigInt(n) }).then((result) => ({ status: 'success' as const, result }), () => ({ status: 'failure' as const }))));
        prices = feeds.parse(results as { status: 'success' | 'failure'; result?: unknown }[]);
      }
      out.set(n, { hash: b.hash, at: Number(b.timestamp) * 1000, prices });
    }),
  );
  return out;
}

export interface IndexedRecord {
  raw: Record<string, unknown>;
  meta: ChainTransferMeta;
}

/**
 * One transaction record per customer side of each log: `in` for the receiver, `out` for the sender.
 * The receiver's id is `onchain:<chain>:<tx_hash>:<log_index>` (§7); the sender's adds `:out`, because a
 * transfer between two customers is two transactions and ids are unique per record.
 */
export function transferRecords(cc: ChainClient, logs: TransferLog[], customers: Set<string>, blocks: Map<number, BlockFacts>): IndexedRecord[] {
  const out: IndexedRecord[] = [];
  for (const l of logs) {
    const token = cc.config.tokens.find((t) => t.address.toLowerCase() === l.token)!;
    const b = blocks.get(l.block)!;
    if (b.hash !== l.blockHash) throw new Error(`block ${l.block} changed while it was read (a reorg); reading it again`);
    const price = priceOf(token.symbol, b.prices);
    const micros = price ? valueMicros(l.value, token.decimals, price) : null;
    // The transaction's figure is a number (volumes sum it): an unpriced transfer counts 0 there, and
    // its chain_transfers row says it had no price, so it is shown without a value.
    const usdt = micros === null ? '0' : formatUnits(micros, 6);
    const value = { valueMicros: micros === null ? null : Number(micros), price: price ? JSON.stringify(priceJson(price)) : null };
    for (const [side, wallet, counterparty] of [['in', l.to, l.from], ['out', l.from, l.to]] as const) {
      if (!customers.has(wallet)) continue;
      out.push({
        raw: {
          type: 'transaction',
          id: `onchain:${cc.chain}:${l.txHash}:${l.logIndex}${side === 'out' ? ':out' : ''}`,
          timestamp: new Date(b.at).toISOString(),
          identifiers: { wallets: [{ chain: cc.chain, address: wallet }] },
          chain: cc.chain, token: token.symbol, amount: formatUnits(l.value, token.decimals), usdt_value: usdt, direction: side, tx_hash: l.txHash,
        },
        meta: { block: l.block, blockHash: l.blockHash, txHash: l.txHash, logIndex: l.logIndex, wallet, counterparty, ...value },
      });
    }
  }
  return out;
}
