import type { Tx } from '../../db/client.ts';
import { getTableName } from 'drizzle-orm';
import { columnsOf, insertRows } from '../../db/sql-names.ts';
import { chainTransfers, txMatchKeys } from '../../db/schema/index.ts';
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
  /** USDT millionths at the block's price; null when the token has no price. */
  valueMicros: number | null;
  /** `priceJson` of that price (source, feed, usdt, updated_at) as JSON; null without one. */
  price: string | null;
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

const [T, K, P, I] = [getTableName(txMatchKeys), ...columnsOf(txMatchKeys, ['key', 'pushed', 'indexed'])];
// Every key of a transfer starts with the same `chain|hash|token|direction|` prefix: one range per prefix
// on the primary key finds each stored key whatever unified customer it names.
const PRELOAD = `SELECT k.${K} AS key, k.${P} AS pushed, k.${I} AS indexed FROM json_each(?) AS j JOIN ${T} AS k ON k.${K} > j.value AND k.${K} < j.value || char(1114111)`;
const ONE = `SELECT ${P} AS pushed, ${I} AS indexed FROM ${T} WHERE ${K} = ?`;
const SAVE = `INSERT INTO ${T} (${K}, ${P}, ${I}) SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?) AS j WHERE true
  ON CONFLICT (${K}) DO UPDATE SET ${P} = excluded.${P}, ${I} = excluded.${I}`;

const prefixOf = (key: string) => key.slice(0, key.lastIndexOf('|') + 1);

/**
 * The batch's match keys, counted in memory and written once at the end of the batch. The batch holds
 * the write lock for its whole transaction, so the counts read at its start stay the truth until it
 * writes them back: one statement to read and one to write instead of an upsert per transaction.
 */
export class MatchKeys {
  private readonly counts = new Map<string, { pushed: number; indexed: number; changed: boolean }>();

  constructor(private readonly tx: Tx) {}

  /** Reads the stored keys of these transactions (any customer), so `claim` finds them in memory. */
  async preload(records: TxRecord[]): Promise<void> {
    const prefixes = [...new Set(records.flatMap((r) => { const k = matchKey(r, ''); return k === null ? [] : [k]; }))];
    for (let i = 0; i < prefixes.length; i += 5000) {
      const { rows } = await this.tx.$client.execute({ sql: PRELOAD, args: [JSON.stringify(prefixes.slice(i, i + 5000))] });
      for (const r of rows as unknown as { key: string; pushed: number; indexed: number }[]) this.counts.set(r.key, { pushed: r.pushed, indexed: r.indexed, changed: false });
    }
    for (const p of prefixes) this.known.add(p);
  }

  private readonly known = new Set<string>();

  /**
   * Counts one more copy of the key from its source and says whether it is a transaction of its own:
   * a key's copies are counted max(pushed, indexed) times, whichever source came first.
   */
  async claim(key: string, indexed: boolean): Promise<boolean> {
    let c = this.counts.get(key);
    if (!c) {
      // Not stored at the start, or its customer's unified id changed inside this batch (a merge).
      const row = this.known.has(prefixOf(key)) ? undefined : ((await this.tx.$client.execute({ sql: ONE, args: [key] })).rows[0] as unknown as { pushed: number; indexed: number } | undefined);
      c = { pushed: row?.pushed ?? 0, indexed: row?.indexed ?? 0, changed: false };
      this.counts.set(key, c);
    }
    if (indexed) c.indexed++;
    else c.pushed++;
    c.changed = true;
    return indexed ? c.indexed > c.pushed : c.pushed > c.indexed;
  }

  async flush(): Promise<void> {
    const changed = [...this.counts].filter(([, c]) => c.changed).map(([k, c]) => [k, c.pushed, c.indexed]);
    for (let i = 0; i < changed.length; i += 5000) await this.tx.$client.execute({ sql: SAVE, args: [JSON.stringify(changed.slice(i, i + 5000))] });
    for (const c of this.counts.values()) c.changed = false;
  }
}

export type ChainTransferRow = typeof chainTransfers.$inferInsert;

export async function insertChainTransfers(tx: Tx, rows: ChainTransferRow[]): Promise<void> {
  // insertRows writes a missing value (an unpriced transfer's valueMicros and price) as NULL.
  await insertRows(
    tx, chainTransfers, ['recordId', 'chain', 'block', 'blockHash', 'txHash', 'logIndex', 'token', 'wallet', 'counterparty', 'direction', 'amount', 'valueMicros', 'price', 'customerId', 'at', 'matchKey', 'stored'],
    rows, 'ON CONFLICT DO NOTHING',
  );
}
