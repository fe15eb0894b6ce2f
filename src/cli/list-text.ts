import type { ProfileListResult } from '../../commands/profile-list.ts';
import type { Profile } from '../../commands/types.ts';
import { identifierText, LIST_TITLES, refusedSummary, tagText, taskText, transactionParts, walletParts, type LineParts } from '../render/lists.ts';

/** A line in a terminal: the link is the whole URL, which terminals make clickable themselves. */
const lineText = ({ head, link, tail }: LineParts) => `${head}${link ? `${link.label}  ${link.url}` : ''}${tail}`;
const pageCommand = (unifiedId: string, list: string, page: number) => `npx user360 lookup ${unifiedId} --section ${list} --page ${page}`;

export function refusedText(p: Pick<Profile, 'refused_by_guards'>): string[] {
  const summary = refusedSummary(p.refused_by_guards);
  return summary ? [`${summary}. Kept for review: npx user360 conflicts`] : [];
}

/** Under the card's recent transactions: the command for the next page, when there is one. */
export function moreTransactions(p: Profile): string[] {
  const n = p.assetpro.transaction_count - p.assetpro.recent_transactions.length;
  return n > 0 ? [`  …and ${n} more: ${pageCommand(p.unified_id, 'transactions', 2)}`] : [];
}

function items(r: ProfileListResult): string[] {
  switch (r.list) {
    case 'tags': return r.items.map(tagText);
    case 'identifiers': return r.items.map(identifierText);
    case 'wallets': return r.items.map((w) => lineText(walletParts(w)));
    case 'tasks': return r.items.map(taskText);
    case 'transactions': return r.items.map((t) => lineText(transactionParts(t)));
  }
}

/** One page of a list, with the commands for the pages around it (the terminal's Previous/Next). */
export function listText(r: ProfileListResult): string {
  const from = (r.page - 1) * r.per_page;
  const lines = items(r);
  return [
    `${r.name ?? r.unified_id}  ${r.unified_id}${r.masked ? '  (personal data masked)' : ''}`,
    `${LIST_TITLES[r.list]}, page ${r.page} of ${r.pages} (${r.total ? `${from + 1}–${from + lines.length} of ${r.total}` : 'none'})${r.list === 'transactions' ? ', newest first' : ''}`,
    ...(r.note ? [r.note] : []),
    ...refusedText({ refused_by_guards: r.refused }),
    ...(lines.length ? lines.map((l) => `  ${l}`) : [`  no ${LIST_TITLES[r.list].toLowerCase()} yet`]),
    ...(r.page > 1 ? [`previous: ${pageCommand(r.unified_id, r.list, r.page - 1)}`] : []),
    ...(r.page < r.pages ? [`next: ${pageCommand(r.unified_id, r.list, r.page + 1)}`] : []),
  ].join('\n');
}
