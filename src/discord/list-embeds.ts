// The profile's paged lists as a Discord embed: one page of one list with Previous/Next (custom_id
// `u360:page:<unified id>:<list>:<page>`, never the items), the card's preview of recent transactions,
// and the line that says what the identity guards refused.
import type { APIActionRowComponent, APIButtonComponent } from 'discord.js';
import { pageValue, type ListView, type ProfileListResult } from '../../commands/profile-list.ts';
import type { Profile } from '../../commands/types.ts';
import {
  CARD_TRANSACTIONS, identifierText, LIST_TITLES, moreHint, refusedSummary, tagText, taskText, transactionParts, walletParts, type LineParts,
} from '../render/lists.ts';
import { VIEW_LABELS } from '../render/format.ts';
import { COLOR, embed, escape, LIMITS, type DiscordMessage } from './limits.ts';

export const PAGE_BUTTON = 'u360:page:';
export const pageCustomId = (unifiedId: string, list: ListView, page: number) => `${PAGE_BUTTON}${pageValue(unifiedId, list, page)}`;

/** Button styles of the Discord API (Primary, Secondary), as numbers: discord.js is not loaded at run time. */
const STYLE = { primary: 1, secondary: 2 } as const;
export const button = (label: string, customId: string, primary = false): APIButtonComponent => ({ type: 2, style: primary ? STYLE.primary : STYLE.secondary, label, custom_id: customId });
export const row = (components: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent> => ({ type: 1, components });

/** A line's text escaped, its link (built from validated parts only) as a masked link. */
export const lineText = ({ head, link, tail }: LineParts) => `${escape(head)}${link ? `[${escape(link.label)}](${link.url})` : ''}${escape(tail)}`;

/** The card's buttons that open a list at its first page (Wallets and Transactions are section buttons). */
export const listButtons = (p: Profile): APIButtonComponent[] =>
  (['tags', 'identifiers', 'tasks'] as const)
    .filter((l) => (l === 'tags' ? p.basic.tags.length : l === 'tasks' ? p.compliance.tasks.length : p.identifiers.some((i) => i.type !== 'wallet')))
    .map((l) => button(VIEW_LABELS[l], pageCustomId(p.unified_id, l, 1)));

export function refusedLine(refused: Profile['refused_by_guards']): string[] {
  const summary = refusedSummary(refused);
  return summary ? [`⚠️ ${escape(summary)}. Kept for review: \`npx user360 conflicts\``] : [];
}

/** The overview's newest transactions, with a pointer to the rest. */
export function transactionLines(p: Profile): string[] {
  const recent = p.assetpro.recent_transactions.slice(0, CARD_TRANSACTIONS);
  if (!recent.length) return ['No transactions yet'];
  const n = p.assetpro.transaction_count;
  return [...recent.map((t) => lineText(transactionParts(t))), ...(n > recent.length ? [moreHint(n - recent.length, 'transactions')] : [])];
}

function itemLines(r: ProfileListResult): string[] {
  switch (r.list) {
    case 'tags': return r.items.map((t) => escape(tagText(t)));
    case 'identifiers': return r.items.map((i) => escape(identifierText(i)));
    case 'wallets': return r.items.map((w) => lineText(walletParts(w)));
    case 'tasks': return r.items.map((t) => escape(taskText(t)));
    case 'transactions': return r.items.map((t) => lineText(transactionParts(t)));
  }
}

/** One page of a list, with Previous/Next and the way back to the card. */
export function listEmbeds(r: ProfileListResult, backToCard: string): DiscordMessage {
  const title = LIST_TITLES[r.list];
  const from = (r.page - 1) * r.per_page;
  const range = r.total ? `${from + 1}–${from + r.items.length} of ${r.total}` : 'none';
  const lines = itemLines(r);
  const nav: APIButtonComponent[] = [];
  if (r.page > 1) nav.push(button('◀ Previous', pageCustomId(r.unified_id, r.list, r.page - 1)));
  if (r.page < r.pages) nav.push(button('Next ▶', pageCustomId(r.unified_id, r.list, r.page + 1)));
  nav.push(button(VIEW_LABELS.card, backToCard));
  const footer = ['Times in GMT+8', ...(r.masked ? ['🔒 personal data masked for your role'] : [])].join(' · ');
  const e = embed({
    title: `${r.name ? escape(r.name) : r.unified_id} · ${title} (${r.total})`,
    lines: [
      `\`${r.unified_id}\` · page ${r.page} of ${r.pages} · ${range}${r.list === 'transactions' ? ' · newest first' : ''}`,
      ...(r.note ? [escape(r.note)] : []),
      ...refusedLine(r.refused),
      '',
      ...(lines.length ? lines : [`No ${title.toLowerCase()} yet`]),
    ],
    footer,
    color: COLOR.blurple,
  }, LIMITS.total);
  return { embeds: [e], components: [row(nav)] };
}
