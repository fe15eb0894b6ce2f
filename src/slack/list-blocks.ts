// The profile's paged lists in Block Kit: a page of one list with Previous/Next (the button's value is
// the unified id, the list and the page, never the items), the card's preview of recent transactions,
// and the line that says what the identity guards refused.
import type { types } from '@slack/bolt';
import { pageValue, type ListView, type ProfileListResult } from '../../commands/profile-list.ts';
import type { Profile } from '../../commands/types.ts';
import {
  CARD_TRANSACTIONS, identifierText, LIST_TITLES, moreHint, refusedSummary, tagText, taskText, transactionParts, walletParts, type LineParts,
} from '../render/lists.ts';
import { VIEW_LABELS } from '../render/format.ts';
import { clip, escape, fitMessage, LIMITS, linesToSections, type Block, type SlackMessage } from './limits.ts';

/** `user360_page:<prev|next|open:list>`; the value is `pageValue(…)`, which the click handler re-parses. */
export const PAGE_ACTION = 'user360_page';
/** Slack's limit on a button's value; ours are far shorter, and a longer one would not be ours. */
export const PAGE_VALUE_MAX = 2000;

const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text });
/** A line's text escaped, its link (built from validated parts only) in Slack's link syntax. */
const lineText = ({ head, link, tail }: LineParts) => `${escape(head)}${link ? `<${link.url}|${escape(link.label)}>` : ''}${escape(tail)}`;

export const pageButton = (label: string, actionId: string, value: string, primary = false): types.Button => ({
  type: 'button', action_id: actionId, text: { type: 'plain_text', text: label, emoji: true }, value, ...(primary ? { style: 'primary' as const } : {}),
});

/** The card's buttons that open a list at its first page (Wallets and Transactions are section buttons). */
export const listButtons = (p: Profile): types.Button[] =>
  (['tags', 'identifiers', 'tasks'] as const)
    .filter((l) => (l === 'tags' ? p.basic.tags.length : l === 'tasks' ? p.compliance.tasks.length : p.identifiers.some((i) => i.type !== 'wallet')))
    .map((l) => pageButton(VIEW_LABELS[l], `${PAGE_ACTION}:open:${l}`, pageValue(p.unified_id, l, 1)));

/** "⚠️ Identity guards: 12 more wallets refused …", or nothing when the guards refused nothing. */
export function refusedBlock(refused: Profile['refused_by_guards']): Block[] {
  const summary = refusedSummary(refused);
  return summary ? [{ type: 'context', elements: [mrkdwn(clip(`⚠️ ${escape(summary)}. Kept for review: \`npx user360 conflicts\``, 3000))] }] : [];
}

/** The overview's newest transactions, with a pointer to the rest. */
export function transactionPreview(p: Profile, title: string): Block[] {
  const recent = p.assetpro.recent_transactions.slice(0, CARD_TRANSACTIONS);
  const n = p.assetpro.transaction_count;
  if (!recent.length) return [{ type: 'section', text: mrkdwn(`${title}\nNo transactions yet`) }];
  const more = n > recent.length ? [moreHint(n - recent.length, 'transactions')] : [];
  return linesToSections([`${title} (${n})`, ...recent.map((t) => `• ${lineText(transactionParts(t))}`), ...more]).blocks;
}

function itemLines(r: ProfileListResult): string[] {
  const bullet = (s: string) => `• ${s}`;
  switch (r.list) {
    case 'tags': return r.items.map((t) => bullet(escape(tagText(t))));
    case 'identifiers': return r.items.map((i) => bullet(escape(identifierText(i))));
    case 'wallets': return r.items.map((w) => bullet(lineText(walletParts(w))));
    case 'tasks': return r.items.map((t) => bullet(escape(taskText(t))));
    case 'transactions': return r.items.map((t) => bullet(lineText(transactionParts(t))));
  }
}

/** One page of a list, with Previous/Next and the way back to the card. */
export function listMessage(r: ProfileListResult): SlackMessage {
  const who = r.name ? `${r.name} · ${r.unified_id}` : r.unified_id;
  const title = LIST_TITLES[r.list];
  const from = (r.page - 1) * r.per_page;
  const range = r.total ? `${from + 1}–${from + r.items.length} of ${r.total}` : 'none';
  const lines = itemLines(r);
  const nav: types.Button[] = [];
  const go = (label: string, action: string, page: number) => nav.push(pageButton(label, `${PAGE_ACTION}:${action}`, pageValue(r.unified_id, r.list as ListView, page)));
  if (r.page > 1) go('◀ Previous', 'prev', r.page - 1);
  if (r.page < r.pages) go('Next ▶', 'next', r.page + 1);
  nav.push({ type: 'button', action_id: 'user360_section:card', text: { type: 'plain_text', text: VIEW_LABELS.card, emoji: true }, value: r.unified_id });
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(who, LIMITS.headerText), emoji: true } },
    { type: 'context', elements: [mrkdwn(escape(`${title} · page ${r.page} of ${r.pages} · ${range}${r.list === 'transactions' ? ' · newest first, GMT+8' : ''}${r.masked ? ' · 🔒 personal data masked for your role' : ''}`))] },
    ...(r.note ? [{ type: 'context', elements: [mrkdwn(escape(r.note))] } as Block] : []),
    ...refusedBlock(r.refused),
    ...(lines.length ? linesToSections(lines).blocks : [{ type: 'section', text: mrkdwn(`No ${title.toLowerCase()} yet`) } as Block]),
    { type: 'actions', block_id: 'user360_page_nav', elements: nav },
  ];
  return { text: clip(escape(`${who}: ${title}, page ${r.page} of ${r.pages}`), 3000), blocks: fitMessage(blocks) };
}
