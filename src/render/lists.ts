// Words for the lists a card pages through and for what the identity guards refused, shared by the
// Block Kit, embed and text renderers. Lines come as parts (plain text and at most one link), so each
// platform escapes the text and writes the link in its own syntax.
import type { RefusedByGuards, TransactionRow } from '../profile/lists.ts';
import { fmtTime, fmtUsdt, identifierLabel } from './format.ts';

export const LIST_TITLES = { tags: 'Tags', identifiers: 'Identifiers', wallets: 'Wallets', tasks: 'KYC tasks', transactions: 'Recent transactions' } as const;
/** The button that opens each list, as the card's "press …" hints name it. */
export const LIST_BUTTONS = { tags: 'Tags', identifiers: 'Identifiers', wallets: 'Wallets', tasks: 'KYC tasks', transactions: 'Transactions' } as const;
export type ListName = keyof typeof LIST_TITLES;
/** How many transactions the overview card shows before pointing at the list. */
export const CARD_TRANSACTIONS = 5;

/** One line of a list: plain text, then optionally a link, then plain text again. */
export interface LineParts {
  head: string;
  link: { label: string; url: string } | null;
  tail: string;
}

const ITEM_CHARS = 120;
const clipItem = (s: string, max = ITEM_CHARS) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
/** A long hash as a short label: the link carries the whole of it. */
const shortHash = (h: string) => (h.length > 20 ? `${h.slice(0, 10)}…${h.slice(-6)}` : h);

export function transactionParts(t: TransactionRow): LineParts {
  // An indexed transfer's value says a feed's price and its age, or that its token had no price.
  const feed = t.price?.source === 'feed' && t.price.updated_at ? `, feed ${fmtTime(t.price.updated_at)}` : '';
  const value = t.value_usdt === null ? 'no price' : `${fmtUsdt(t.value_usdt)}${feed}`;
  const head = `${fmtTime(t.at)} · ${t.direction} ${clipItem(t.amount, 40)} ${clipItem(t.token, 20)} (${value}) · ${t.chain} · `;
  if (t.tx_hash && t.explorer_url) return { head, link: { label: shortHash(t.tx_hash), url: t.explorer_url }, tail: '' };
  return { head, link: null, tail: t.tx_hash ? `tx ${clipItem(t.tx_hash, 80)}` : 'no tx hash' };
}

export function walletParts(w: { chain: string; address: string; explorer_url: string | null; onchain?: { kind: string; value_usdt: number | null } | null }): LineParts {
  // The stored reading beside each wallet (kind and value), so the paged list is the Wallets view.
  const tail = w.onchain ? ` · ${w.onchain.kind} · ${w.onchain.value_usdt === null ? 'not priced' : `≈ ${fmtUsdt(w.onchain.value_usdt)}`}` : '';
  return w.explorer_url ? { head: `${w.chain}: `, link: { label: w.address, url: w.explorer_url }, tail } : { head: `${w.chain}: ${w.address}`, link: null, tail };
}

export const tagText = (t: string) => clipItem(t, 200);
export const identifierText = (i: { type: string; value: string }) => `${identifierLabel(i.type)}: ${clipItem(i.value, 260)}`;
export const taskText = (t: { id: string; name: string; status: string }) => `${clipItem(t.id, 60)} ${clipItem(t.name, 160)}: ${clipItem(t.status, 40)}`;

/**
 * The first items of a list that fit `maxChars` (at least one, each cut to a readable length) and how
 * many are left for the list's own pages.
 */
export function preview(items: readonly string[], maxChars = 360, maxItems = 10): { shown: string[]; more: number } {
  const shown: string[] = [];
  let used = 0;
  for (const raw of items) {
    const item = clipItem(raw);
    if (shown.length === maxItems || (shown.length && used + item.length + 2 > maxChars)) break;
    shown.push(item);
    used += item.length + 2;
  }
  return { shown, more: items.length - shown.length };
}

export const moreHint = (more: number, list: ListName) => `…and ${more} more: press ${LIST_BUTTONS[list]}`;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Each refusal as a sentence: "12 more wallets refused by the per-customer limit". */
export function refusedText(r: RefusedByGuards): string {
  if (r.kind === 'limit' && r.identifier_type) return `${plural(r.count, `more ${identifierLabel(r.identifier_type)}`)} refused by the per-customer limit`;
  const why = { limit: 'together they would pass an identifier limit', external_id: 'each holds its own external id', merge_cap: 'the cap of 100 merges per customer', split_pair: 'a person split them apart' }[r.kind];
  return `${plural(r.count, 'merge')} with another customer refused: ${why}`;
}

/** The card's one line about refusals (without the pointer to `conflicts`, which each platform writes). */
export const refusedSummary = (refused: readonly RefusedByGuards[]) => (refused.length ? `Identity guards: ${refused.map(refusedText).join('; ')}` : null);
