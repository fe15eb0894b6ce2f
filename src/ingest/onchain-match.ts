import { insertMany, type Tx } from '../../db/client.ts';
import type { chainTransfers } from '../../db/schema/index.ts';
import { EVM_CHAINS } from '../identity/normalize.ts';
import type { IngestRecord } from './records.ts';

/** What the indexer knows about a transaction record it made from a Transfer log. */
export interface ChainTransferMeta {
  block: number;
  blockHash: string;
  txHash: string;
  logIndex: number;
  wallet: string;
  counterparty: string;
}

type TxRecord = Extract<IngestRecord, { type: 'transaction' }>;
const isEvm = (chain: string) => (EVM_CHAINS as readonly string[]).includes(chain);

/**
 * §7: a pushed and an indexed transaction with the same chain, tx hash, token and direction are one
 * transaction. The key adds the unified customer, because a transfer between two customers is an `out`
 * for one and an `in` for the other. Only EVM transactions with a hash have a key.
 */
export function matchKey(r: TxRecord, unifiedId: string): string | null {
  if (!r.tx_hash || !isEvm(r.chain)) return null;
  return `${r.chain}|${r.tx_hash.toLowerCase()}|${r.token}|${r.direction}|${unifiedId}`;
}

const CLAIM = `INSERT INTO tx_match_keys (key, pushed, indexed) VALUES (?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET pushed = pushed + excluded.pushed, indexed = indexed + excluded.indexed RETURNING pushed, indexed`;

/**
 * Counts one more copy of the key from its source and says whether it is a transaction of its own:
 * a key's copies are counted max(pushed, indexed) times, whichever source came first.
 */
export async function claimMatch(tx: Tx, key: string, indexed: boolean): Promise<boolean> {
  const { rows } = await tx.$client.execute({ sql: CLAIM, args: [key, indexed ? 0 : 1, indexed ? 1 : 0] });
  const { pushed, indexed: idx } = rows[0] as unknown as { pushed: number; indexed: number };
  return indexed ? idx > pushed : pushed > idx;
}

export type ChainTransferRow = typeof chainTransfers.$inferInsert;

export async function insertChainTransfers(tx: Tx, rows: ChainTransferRow[]): Promise<void> {
  await insertMany(
    tx, 'chain_transfers', ['record_id', 'chain', 'block', 'block_hash', 'tx_hash', 'log_index', 'token', 'wallet', 'counterparty', 'direction', 'amount', 'customer_id', 'at', 'match_key', 'stored'],
    rows.map((r) => [r.recordId, r.chain, r.block, r.blockHash, r.txHash, r.logIndex, r.token, r.wallet, r.counterparty, r.direction, r.amount, r.customerId, r.at, r.matchKey, r.stored]),
    'ON CONFLICT DO NOTHING',
  );
}
