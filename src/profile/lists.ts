// The lists of a profile that a card pages through instead of cutting (issue 16), and the two facts
// the card needs beyond the profile's own sections: the newest transactions and what the identity
// guards refused for this customer. Plain data; each platform renders it in its own folder.
import type { Store } from '../../db/client.ts';
import { chainTransfers, customers, identityConflicts, transactions } from '../../db/schema/index.ts';
import { names } from '../../db/sql-names.ts';
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

// Names from the drizzle tables (db/sql-names.ts).
const [C, T, CT, X] = [names(customers), names(transactions), names(chainTransfers), names(identityConflicts)];
const inGroup = `${T.customerId} IN (SELECT ${C.id} FROM ${C.$} WHERE ${C.rootId} = ?1)`;
/** What a page's rows carry, in txRow's order: usdt_micros and price are txPage's own names for them. */
const TX_COLUMNS = [T.at, T.direction, T.chain, T.token, T.amount, 'usdt_micros', T.txHash, 'price'].join(', ');
const TX_ORDER = `ORDER BY ${T.at} DESC, ${T.id} DESC`;
const CONFLICT_COLUMNS = [X.id, X.kind, X.identifierType, X.identifierValue, X.customerIds, X.createdAt].map((c) => `c.${c}`).join(', ');
/**
 * A page of transactions with, for the indexed ones, their chain_transfers row (its primary key is the
 * record id): an unpriced transfer's value is null there, not the 0 the volumes count.
 */
const txPage = (where: string, limit: string) => `SELECT ${[T.at, T.direction, T.chain, T.token, T.amount].map((c) => `t.${c}`).join(', ')},
    CASE WHEN ct.${CT.recordId} IS NOT NULL AND ct.${CT.valueMicros} IS NULL THEN NULL ELSE t.${T.usdtMicros} END AS usdt_micros, t.${T.txHash}, ct.${CT.price} AS price
  FROM (SELECT ${[T.id, T.at, T.direction, T.chain, T.token, T.amount, T.usdtMicros, T.txHash, T.recordId].join(', ')} FROM ${T.$} WHERE ${where} ${TX_ORDER} ${limit}) AS t
  LEFT JOIN ${CT.$} ct ON ct.${CT.recordId} = t.${T.recordId} ORDER BY t.${T.at} DESC, t.${T.id} DESC`;
type TxJson = [number, 'in' | 'out', string, string, string, number | null, string | null, string | null];

/**
 * Two sections (columns) of the profile's one statement (profile.ts, whose CTE `g` holds the group's customer
 * ids): the newest page of transactions, and the open conflicts naming any customer of the group,
 * where a limit counts its distinct values and a merge its customer pairs. A conflict names one
 * customer (a refused link) or two (a refused merge); the two positions are indexed (migration 0011),
 * and the group drives the join (CROSS JOIN keeps that order; `+g.id` drops its TEXT affinity, without
 * which SQLite cannot probe an expression index; `+c.resolved_at` keeps the open-conflicts index out).
 */
export const CARD_LIST_SECTIONS: [name: string, expr: string][] = [
  ['recent_tx', `(SELECT json_group_array(json_array(${TX_COLUMNS})) FROM (${txPage(`${T.customerId} IN (SELECT ${C.id} FROM g)`, `LIMIT ${PAGE_SIZE}`)}))`],
  ['refused', `(SELECT json_group_array(json_array(${X.kind}, ${X.identifierType}, n, last_at)) FROM (
      SELECT ${X.kind}, ${X.identifierType}, count(DISTINCT coalesce(${X.identifierValue}, ${X.customerIds})) AS n, max(${X.createdAt}) AS last_at FROM (
        ${[0, 1].map((i) => `SELECT ${CONFLICT_COLUMNS} FROM g CROSS JOIN ${X.$} c
          ON json_extract(c.${X.customerIds}, '$[${i}]') = +g.${C.id} WHERE +c.${X.resolvedAt} IS NULL`).join(' UNION ')})
      GROUP BY ${X.kind}, ${X.identifierType} ORDER BY n DESC, ${X.kind}, ${X.identifierType}))`],
];
/** The two as a select list (for a statement of their own). */
export const CARD_LIST_COLUMNS = CARD_LIST_SECTIONS.map(([name, expr]) => `\n    ${expr} AS ${name}`).join(',');

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
