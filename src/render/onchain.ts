import type { OnchainStatus } from '../onchain/requests.ts';
import type { WalletView } from '../onchain/wallet-facts.ts';
import type { Holding } from '../onchain/enrich.ts';
import type { Profile } from '../profile/profile.ts';
import { dash, fmtTime, fmtUsdt, KYC_BADGE, RISK_BADGE, type Field } from './format.ts';

/**
 * The on-chain part of a profile and the `wallet` answer as labelled fields of plain text, shared by
 * the Block Kit, embed and terminal renderers (each escapes and fits them for its platform). Token
 * symbols come from configuration and addresses from the chain: data, never markup.
 */
export const ONCHAIN_TITLE = 'On-chain';
/** Wallets whose holdings the card lists; the Wallets view lists them all. */
export const CARD_HOLDINGS = 3;

export function fmtAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** `1250.5` → `1,250.5`: the exact balance as read, grouped for reading. */
export function fmtBalance(balance: string): string {
  const [int = '0', frac] = balance.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac ? `${grouped}.${frac}` : grouped;
}

/** How old the figures are and what was done about it, in one line. */
export function freshness(s: OnchainStatus | undefined): string {
  if (!s) return 'not read (on-chain reading is off: no EVM_RPC_URLS)';
  const parts: string[] = [];
  if (s.read_at !== null) parts.push(`as of ${fmtTime(s.read_at)} (${fmtAge(s.age_seconds ?? 0)} ago)`);
  if (s.missing_chains.length) parts.push(`no reading yet on ${s.missing_chains.join(', ')}`);
  if (!s.configured && s.read_at === null) parts.push('not read (on-chain reading is off: no EVM_RPC_URLS)');
  if (s.refresh_requested) parts.push('a fresh reading was asked for: look again in a few seconds');
  else if (s.stale) parts.push('stale');
  return parts.join(' · ') || '—';
}

/** ` ≈ 6,000.00 USDT (feed, <time>)`: a value and, for a feed's price, how old it was; ` (no price)` without one. */
export function valueText(valueUsdt: number | null, price: Holding['price']): string {
  if (valueUsdt === null) return ' (no price)';
  const feed = price && 'source' in price && price.source === 'feed' && 'updated_at' in price ? ` (feed, ${fmtTime(price.updated_at as string)})` : '';
  return ` ≈ ${fmtUsdt(valueUsdt)}${feed}`;
}

export function holdingLine(h: Holding): string {
  return `${fmtBalance(h.balance)} ${h.symbol}${valueText(h.value_usdt, h.price)}`;
}

const short = (a: string) => `${a.slice(0, 6)}…${a.slice(-4)}`;

function readingField(label: string, r: { kind: string; native: Holding; tokens: Holding[]; value_usdt: number | null; block: number }): Field {
  const lines = [holdingLine(r.native), ...r.tokens.map(holdingLine), `total ${r.value_usdt === null ? '— (nothing priced)' : fmtUsdt(r.value_usdt)} · block ${r.block}`];
  return { name: `${label} · ${r.kind}`, value: lines.join('\n') };
}

const netWorth = (v: number | null) => (v === null ? '— (nothing priced)' : fmtUsdt(v));

/**
 * The profile's on-chain fields for a view: the card in brief (net worth, age, a few wallets, the
 * newest exposure), Wallets every reading, AssetPro the net worth, Compliance every exposure.
 * Null when the view has nothing on-chain to show.
 */
export function profileOnchainFields(p: Profile, s: OnchainStatus | undefined, view: string): Field[] | null {
  const read = p.wallets.filter((w) => w.onchain);
  const exposure = p.compliance.exposure;
  const fields: Field[] = [];
  if ((view === 'card' || view === 'assetpro' || view === 'wallets') && (read.length || s)) {
    fields.push({ name: 'Net worth', value: netWorth(p.assetpro.net_worth_usdt) }, { name: 'Read', value: freshness(s) });
  }
  if (view === 'card' || view === 'wallets') {
    const shown = view === 'card' ? read.slice(0, CARD_HOLDINGS) : read;
    for (const w of shown) fields.push(readingField(`${w.chain} ${short(w.address)}`, { ...w.onchain!, native: w.onchain!.native as Holding, tokens: w.onchain!.tokens as Holding[] }));
    if (read.length > shown.length) fields.push({ name: 'More wallets', value: `${read.length - shown.length} more read: press Wallets` });
  }
  if ((view === 'card' || view === 'compliance') && exposure.length) {
    const list = view === 'card' ? exposure.slice(0, 1) : exposure;
    const more = exposure.length > list.length ? [`…and ${exposure.length - list.length} more: press Compliance`] : [];
    fields.push({ name: `⛔ Exposure to screened addresses (${exposure.length})`, value: [...list.map((e) => `${fmtTime(e.at)}: ${e.transfer}`), ...more].join('\n') });
  }
  return fields.length ? fields : null;
}

/** The `wallet` answer as a title and fields. */
export function walletFields(w: WalletView): { title: string; fields: Field[] } {
  const c = w.customer;
  const fields: Field[] = [
    {
      name: 'Customer',
      value: c
        ? `${dash(c.name)} · ${c.unified_id}\nKYC ${KYC_BADGE[c.kyc_status] ?? c.kyc_status} · risk ${c.risk_level ? `${RISK_BADGE[c.risk_level] ?? c.risk_level} (${c.risk_score})` : 'not scored'} · ${c.wallets} wallet(s)`
        : 'none: no customer holds this address',
    },
    { name: 'Screening', value: w.screened ? `⛔ on the screening list${w.screened.label ? `: ${w.screened.label}` : ''} (since ${fmtTime(w.screened.added_at)})` : 'not on the screening list' },
    { name: 'Net worth', value: netWorth(w.net_worth_usdt) },
    { name: 'Read', value: freshness(w.onchain) },
    ...w.readings.map((r) => readingField(r.chain, r)),
    { name: 'Indexed activity', value: w.first_activity ? `first ${fmtTime(w.first_activity)} · last ${fmtTime(w.last_activity)}` : 'no indexed transfers' },
  ];
  if (w.transfers.length) {
    fields.push({
      name: `Recent transfers (${w.transfers.length})`,
      value: w.transfers.map((t) => `${fmtTime(t.at)} ${t.direction === 'in' ? '← received' : '→ sent'} ${fmtBalance(t.amount)} ${t.token}${valueText(t.value_usdt, t.price)} ${t.direction === 'in' ? 'from' : 'to'} ${t.counterparty} (${t.chain}, tx ${short(t.tx_hash)})`).join('\n'),
    });
  }
  return { title: `Wallet ${w.address}`, fields };
}
