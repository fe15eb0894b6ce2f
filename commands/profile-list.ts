// One page of a profile's list (tags, identifiers, wallets, KYC tasks, transactions): what a card's
// Previous/Next buttons and `lookup … --section <list> --page <n>` show. A button carries the unified
// id, the list and the page, never the items: the page is read again from the store for whoever clicks.
import * as z from 'zod';
import type { Store } from '../db/client.ts';
import { LIST_VIEWS, MAX_PAGE, PAGE_SIZE, transactionPage, type ListView, type RefusedByGuards, type TransactionRow } from '../src/profile/lists.ts';
import type { Profile } from '../src/profile/profile.ts';

export { LIST_VIEWS, PAGE_SIZE, type ListView, type RefusedByGuards, type TransactionRow };

export type ListItems =
  | { list: 'tags'; items: string[] }
  | { list: 'identifiers'; items: { type: string; value: string }[] }
  | { list: 'wallets'; items: { chain: string; address: string; explorer_url: string | null; onchain: { kind: string; value_usdt: number | null } | null }[] }
  | { list: 'tasks'; items: { id: string; name: string; status: string }[] }
  | { list: 'transactions'; items: TransactionRow[] };

export type ProfileListResult = {
  kind: 'profile_list';
  unified_id: string;
  name: string | null;
  kyc_status: string;
  masked: boolean;
  page: number;
  pages: number;
  total: number;
  per_page: number;
  /** set when the page asked for is past the end (the list shrank, or the value was edited) */
  note: string | null;
  /** the guards' refusals that belong to this list (wallets, other identifiers) */
  refused: RefusedByGuards[];
} & ListItems;

export const isListView = (v: string): v is ListView => (LIST_VIEWS as readonly string[]).includes(v);
export const pageSchema = z.coerce.number().int().min(1).max(MAX_PAGE);

/** The items of `list` on `page` (1-based), from a profile already masked for the caller. */
export async function profileList(store: Pick<Store, 'read'>, p: Profile, list: ListView, asked: number, masked: boolean): Promise<ProfileListResult> {
  const total = {
    tags: p.basic.tags.length,
    identifiers: p.identifiers.filter((i) => i.type !== 'wallet').length,
    wallets: p.wallets.length,
    tasks: p.compliance.tasks.length,
    transactions: p.assetpro.transaction_count,
  }[list];
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(asked, pages);
  const from = (page - 1) * PAGE_SIZE;
  const slice = <T>(all: readonly T[]) => all.slice(from, from + PAGE_SIZE);
  const items: ListItems =
    list === 'tags' ? { list, items: slice(p.basic.tags) }
    : list === 'identifiers' ? { list, items: slice(p.identifiers.filter((i) => i.type !== 'wallet')) }
    : list === 'wallets' ? { list, items: slice(p.wallets).map((w) => ({ chain: w.chain, address: w.address, explorer_url: w.explorer_url, onchain: w.onchain ? { kind: w.onchain.kind, value_usdt: w.onchain.value_usdt } : null })) }
    : list === 'tasks' ? { list, items: slice(p.compliance.tasks) }
    : { list, items: await transactionPage(store, p.unified_id, from) };
  const refused = p.refused_by_guards.filter((r) => r.kind === 'limit' && r.identifier_type && (list === 'wallets' ? r.identifier_type === 'wallet' : list === 'identifiers' && r.identifier_type !== 'wallet'));
  return {
    kind: 'profile_list',
    unified_id: p.unified_id,
    name: p.basic.name,
    kyc_status: p.compliance.kyc_status,
    masked,
    page,
    pages,
    total,
    per_page: PAGE_SIZE,
    note: asked > pages ? `Page ${asked} is past the end: there ${pages === 1 ? 'is 1 page' : `are ${pages} pages`} now, and this is the last.` : null,
    refused,
    ...items,
  };
}

/**
 * A page button's value (Slack's button value, Discord's custom_id after its prefix): the unified id,
 * the list and the page, at most 60 characters. Anything else is refused by `parsePageValue`.
 */
export const pageValue = (unifiedId: string, list: ListView, page: number) => `${unifiedId}:${list}:${page}`;
const PAGE_VALUE = new RegExp(`^(u_[0-9A-Za-z]{1,40}):(${LIST_VIEWS.join('|')}):([1-9][0-9]{0,5})$`);

export function parsePageValue(value: string): { unifiedId: string; list: ListView; page: number } | null {
  const m = PAGE_VALUE.exec(value);
  if (!m) return null;
  const page = pageSchema.safeParse(m[3]);
  return page.success ? { unifiedId: m[1]!, list: m[2] as ListView, page: page.data } : null;
}

export const BAD_PAGE_BUTTON = 'That page button is not valid (it may have been edited). Run the lookup again.';
