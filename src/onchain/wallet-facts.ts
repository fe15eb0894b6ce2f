import type { Store } from '../../db/client.ts';
import { chainTransfers, onchainReadings, screenedAddresses } from '../../db/schema/index.ts';
import { columnsOf } from '../../db/sql-names.ts';
import { getTableName } from 'drizzle-orm';
import type { Holding } from './enrich.ts';
import type { OnchainStatus } from './requests.ts';

/** One stored reading of an address on one chain, as the wallet command shows it. */
export interface WalletReading {
  chain: string;
  kind: string;
  native: Holding;
  tokens: Holding[];
  value_usdt: number | null;
  block: number;
  block_at: string;
  read_at: string;
}

/** An indexed transfer, from the address's own side (`in`: it received). */
export interface WalletTransfer {
  chain: string;
  at: string;
  token: string;
  amount: string;
  /** USDT at the block's price (§7); null when the token has no price */
  value_usdt: number | null;
  /** where that price came from and how old it was, as a holding's price says it; null without one */
  price: TransferPrice | null;
  direction: 'in' | 'out';
  counterparty: string;
  tx_hash: string;
  block: number;
}

export type TransferPrice = NonNullable<Holding['price']>;

/** What the store knows about any EVM address: never a node call, so it answers in milliseconds. */
export interface WalletFacts {
  address: string;
  readings: WalletReading[];
  net_worth_usdt: number | null;
  first_activity: string | null;
  last_activity: string | null;
  transfers: WalletTransfer[];
  screened: { label: string | null; added_at: string } | null;
}

/** The customer behind an address, as much as a wallet answer needs (masked like any lookup). */
export interface WalletHolder {
  unified_id: string;
  name: string | null;
  kyc_status: string;
  risk_level: string | null;
  risk_score: number | null;
  net_worth_usdt: number | null;
  wallets: number;
}

export interface WalletView extends WalletFacts {
  onchain: OnchainStatus;
  customer: WalletHolder | null;
}

const RECENT = 10;
const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
const R = getTableName(onchainReadings);
const [rChain, rAddress, rKind, rHoldings, rMicros, rBlock, rBlockAt, rReadAt] = columnsOf(onchainReadings, ['chain', 'address', 'kind', 'holdings', 'valueMicros', 'block', 'blockAt', 'readAt']);
const T = getTableName(chainTransfers);
const [tChain, tAt, tToken, tAmount, tValue, tPrice, tDirection, tWallet, tCounterparty, tTx, tLog, tBlock] = columnsOf(chainTransfers, ['chain', 'at', 'token', 'amount', 'valueMicros', 'price', 'direction', 'wallet', 'counterparty', 'txHash', 'logIndex', 'block']);
const S = getTableName(screenedAddresses);
const [sAddress, sLabel, sAt] = columnsOf(screenedAddresses, ['address', 'label', 'addedAt']);

const READINGS = `SELECT ${rChain} AS chain, ${rKind} AS kind, ${rHoldings} AS holdings, ${rMicros} AS micros, ${rBlock} AS block, ${rBlockAt} AS block_at, ${rReadAt} AS read_at
  FROM ${R} WHERE ${rAddress} = ? ORDER BY ${rChain}`;
// Rows are kept per customer side; an address that is no customer's appears only as the counterparty.
// A transfer between two customers has a row for each side, so the address's own side is kept.
const side = (col: string | undefined, flip: boolean) => `SELECT ${tChain} AS chain, ${tAt} AS at, ${tToken} AS token, ${tAmount} AS amount, ${tValue} AS value_micros, ${tPrice} AS price,
  ${flip ? `CASE ${tDirection} WHEN 'in' THEN 'out' ELSE 'in' END` : tDirection} AS direction, ${flip ? tWallet : tCounterparty} AS counterparty,
  ${tTx} AS tx_hash, ${tLog} AS log_index, ${tBlock} AS block, ${flip ? 1 : 0} AS flipped FROM ${T} WHERE ${col} = ?1`;
const TRANSFERS = `SELECT chain, at, token, amount, value_micros, price, direction, counterparty, tx_hash, block FROM (
    SELECT *, row_number() OVER (PARTITION BY chain, tx_hash, log_index ORDER BY flipped) AS n FROM (
      SELECT * FROM (${side(tWallet, false)} ORDER BY at DESC LIMIT ${RECENT * 2}) UNION ALL SELECT * FROM (${side(tCounterparty, true)} ORDER BY at DESC LIMIT ${RECENT * 2})))
  WHERE n = 1 ORDER BY at DESC, tx_hash LIMIT ${RECENT}`;
const SPAN = `SELECT min(at) AS first, max(at) AS last FROM (SELECT ${tAt} AS at FROM ${T} WHERE ${tWallet} = ?1 UNION ALL SELECT ${tAt} FROM ${T} WHERE ${tCounterparty} = ?1)`;
const SCREENED = `SELECT ${sLabel} AS label, ${sAt} AS added_at FROM ${S} WHERE ${sAddress} = ?`;

/** `address` must be checksummed (how readings, transfers and the screening list store it). */
export async function walletFacts(store: Pick<Store, 'read'>, address: string): Promise<WalletFacts> {
  const [readings, transfers, [span], [screened]] = await Promise.all([
    store.read(READINGS, [address]),
    store.read(TRANSFERS, [address]),
    store.read(SPAN, [address]),
    store.read(SCREENED, [address]),
  ]);
  const shown = readings.map((r): WalletReading => {
    const h = JSON.parse(String(r.holdings)) as { native: Holding; tokens: Holding[] };
    return {
      chain: String(r.chain), kind: String(r.kind), native: h.native, tokens: h.tokens,
      value_usdt: r.micros === null ? null : Math.round(Number(r.micros) / 1e4) / 100,
      block: Number(r.block), block_at: iso(r.block_at), read_at: iso(r.read_at),
    };
  });
  const priced = shown.filter((r) => r.value_usdt !== null);
  return {
    address,
    readings: shown,
    net_worth_usdt: priced.length ? Math.round(priced.reduce((s, r) => s + r.value_usdt! * 100, 0)) / 100 : null,
    first_activity: span?.first == null ? null : iso(span.first),
    last_activity: span?.last == null ? null : iso(span.last),
    transfers: transfers.map((t) => ({
      chain: String(t.chain), at: iso(t.at), token: String(t.token), amount: String(t.amount),
      value_usdt: t.value_micros == null ? null : Math.round(Number(t.value_micros) / 1e4) / 100, price: t.price == null ? null : (JSON.parse(String(t.price)) as TransferPrice),
      direction: t.direction === 'out' ? 'out' : 'in',
      counterparty: String(t.counterparty), tx_hash: String(t.tx_hash), block: Number(t.block),
    })),
    screened: screened ? { label: screened.label == null ? null : String(screened.label), added_at: iso(screened.added_at) } : null,
  };
}
