// The lists of a profile that a card pages through instead of cutting (issue 16), and the two facts
// the card needs beyond the profile's own sections: the newest transactions and what the identity
// guards refused for this customer. Plain data; each platform renders it in its own folder.
import type { Store } from '../../db/client.ts';
import { txExplorerUrl } from './explorers.ts';

/** Lists a card pages through; `wallets` is also a profile section, and its full view is this list. */
export const LIST_VIEWS = ['tags', 'identifiers', 'wallets', 'tasks', 'transactions'] as const;
export type ListView = (typeof LIST_VIEWS)[number];
/** One page of any list: small enough that a page of the longest items fits every platform's message. */
export const PAGE_SIZE = 10;
/** Pages a button may ask for; past this the value is not ours. */
export const MAX_PAGE = 100_000;

export interface TransactionRow {
  at: string;
  direction: 'in' | 'out';
  chain: string;
  token: string;
  amount: string;
  /** null for a transfer the indexer read whose token has no price (§7: shown without a USDT value) */
  value_usdt: number | null;
  /** for an indexed transfer, the price it was valued at (source and age); null for a pushed one (the source's own figure) */
  price: { source: string; usdt: number; feed?: string; updated_at?: string } | null;
  tx_hash: string | null;
  /** Only for a hash of the chain's own shape (hex, or base58 on solana): customer text is never a link. */
  explorer_url: string | null;
}

export interface RefusedByGuards {
  kind: 'limit' | 'external_id' | 'merge_cap' | 'split_pair';
  /** the identifier type a limit refused; null for a refused merge */
  identifier_type: string | null;
  /** distinct values refused (a limit), or distinct customer pairs not merged */
  count: number;
  last_at: string;
}

const inGroup = 'customer_id IN (SELECT id FROM customers WHERE root_id = ?1)';
const TX_COLUMNS = 'at, direction, chain, token, amount, usdt_micros, tx_hash, price';
const TX_ORDER = 'ORDER BY at DESC, id DESC';
/**
 * A page of transactions with, for the indexed ones, their chain_transfers row (its primary key is the
 * record id): an unpriced transfer's value is null there, not the 0 the volumes count.
 */
const txPage = (where: string, limit: string) => `SELECT t.at, t.direction, t.chain, t.token, t.amount,
    CASE WHEN ct.record_id IS NOT NULL AND ct.value_micros IS NULL THEN NULL ELSE t.usdt_micros END AS usdt_micros, t.tx_hash, ct.price AS price
  FROM (SELECT id, at, direction, chain, token, amount, usdt_micros, tx_hash, record_id FROM transactions WHERE ${where} ${TX_ORDER} ${limit}) AS t
  LEFT JOIN chain_transfers ct ON ct.record_id = t.record_id ORDER BY t.at DESC, t.id DESC`;
type TxJson = [number, 'in' | 'out', string, string, string, number | null, string | null, string | null];

/**
 * Two columns for the profile's one statement (profile.ts, whose CTE `g` holds the group's customer
 * ids): the newest page of transactions, and the open conflicts naming any customer of the group,
 * where a limit counts its distinct values and a merge its customer pairs. A conflict names one
 * customer (a refused link) or two (a refused merge); the two positions are indexed (migration 0011),
 * and the group drives the join (CROSS JOIN keeps that order; `+g.id` drops its TEXT affinity, without
 * which SQLite cannot probe an expression index; `+c.resolved_at` keeps the open-conflicts index out).
 */
export const CARD_LIST_COLUMNS = `
    (SELECT json_group_array(json_array(${TX_COLUMNS})) FROM (${txPage('customer_id IN (SELECT id FROM g)', `LIMIT ${PAGE_SIZE}`)})) AS recent_tx,
    (SELECT json_group_array(json_array(kind, identifier_type, n, last_at)) FROM (
      SELECT kind, identifier_type, count(DISTINCT coalesce(identifier_value, customer_ids)) AS n, max(created_at) AS last_at FROM (
        ${[0, 1].map((i) => `SELECT c.id, c.kind, c.identifier_type, c.identifier_value, c.customer_ids, c.created_at FROM g CROSS JOIN identity_conflicts c
          ON json_extract(c.customer_ids, '$[${i}]') = +g.id WHERE +c.resolved_at IS NULL`).join(' UNION ')})
      GROUP BY kind, identifier_type ORDER BY n DESC, kind, identifier_type)) AS refused`;

const iso = (ms: number) => new Date(ms).toISOString();
const txRow = ([at, direction, chain, token, amount, micros, hash, price]: TxJson): TransactionRow => ({
  at: iso(at), direction, chain, token, amount, value_usdt: micros === null ? null : Math.round(Number(micros) / 1e4) / 100,
  price: price === null ? null : (JSON.parse(price) as TransactionRow['price']), tx_hash: hash, explorer_url: hash ? txExplorerUrl(chain, hash) : null,
});

/** The two columns of CARD_LIST_COLUMNS as the profile's model. */
export function cardLists(row: Record<string, unknown>) {
  const refused = JSON.parse(String(row.refused ?? '[]')) as [RefusedByGuards['kind'], string | null, number, number][];
  return {
    recent: (JSON.parse(String(row.recent_tx ?? '[]')) as TxJson[]).map(txRow),
    refused: refused.map(([kind, type, count, at]): RefusedByGuards => ({ kind, identifier_type: type, count, last_at: iso(at) })),
  };
}

/** One page of the customer's transactions, newest first (ties by id, so pages never overlap). */
export async function transactionPage(store: Pick<Store, 'read'>, unifiedId: string, offset: number, limit = PAGE_SIZE): Promise<TransactionRow[]> {
  const rows = await store.read(txPage(inGroup, 'LIMIT ?2 OFFSET ?3'), [unifiedId, limit, offset]);
  const text = (v: unknown) => (v == null ? null : String(v));
  return rows.map((r) => txRow([Number(r.at), r.direction as 'in' | 'out', String(r.chain), String(r.token), String(r.amount), r.usdt_micros == null ? null : Number(r.usdt_micros), text(r.tx_hash), text(r.price)]));
}
