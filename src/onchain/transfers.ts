import { sql } from 'drizzle-orm';
import { formatUnits } from 'viem';
import type { Queryable } from '../../db/client.ts';
import type { ChainTransferMeta } from '../ingest/onchain-match.ts';
import { blockSchema, erc20Abi, logSchema, validated, type ChainClient } from './client.ts';
import { feedCalls, priceOf, valueMicros, type Price } from './prices.ts';
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

/** Transfer logs of the chain's tokens in [from, to], optionally only those from or to `wallets`. */
export async function readTransfers(cc: ChainClient, from: bigint, to: bigint, wallets?: { side: 'from' | 'to'; addresses: Address[] }): Promise<TransferLog[]> {
  const tokens = cc.config.tokens.map((t) => t.address);
  if (!tokens.length) return [];
  const logs = await cc.client.getLogs({
    address: tokens,
    event: erc20Abi[1],
    args: wallets ? { [wallets.side]: wallets.addresses } : undefined,
    fromBlock: from,
    toBlock: to,
    strict: true,
  });
  if (!Array.isArray(logs)) throw new Error('malformed logs from the node: expected an array');
  return logs.filter((l) => !(l as { removed?: boolean }).removed).map((raw) => {
    const l = validated(logSchema, raw, 'log');
    if (l.blockNumber < from || l.blockNumber > to) throw new Error(`the node answered a log of block ${l.blockNumber} for ${from}..${to}`);
    return { token: l.address.toLowerCase() as Address, from: l.args.from as Address, to: l.args.to as Address, value: l.args.value, block: Number(l.blockNumber), blockHash: l.blockHash, txHash: l.transactionHash, logIndex: l.logIndex };
  });
}


/** Which of `addresses` (checksummed) are a customer's wallet. */
export async function customerWallets(db: Queryable, addresses: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  const unique = [...new Set(addresses)];
  for (let i = 0; i < unique.length; i += 5000) {
    const chunk = JSON.stringify(unique.slice(i, i + 5000));
    const rows = await db.all<{ value: string }>(sql`SELECT value FROM identifiers WHERE type = 'wallet' AND value IN (SELECT 'evm:' || j.value FROM json_each(${chunk}) AS j)`);
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
      const b = validated(blockSchema, await cc.client.getBlock({ blockNumber: BigInt(n) }), 'block');
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
    const usdt = price ? formatUnits(valueMicros(l.value, token.decimals, price), 6) : '0';
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
        meta: { block: l.block, blockHash: l.blockHash, txHash: l.txHash, logIndex: l.logIndex, wallet, counterparty },
      });
    }
  }
  return out;
}
