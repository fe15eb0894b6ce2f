import type { types } from '@slack/bolt';
import { PROFILE_SECTIONS, type ProfileSection } from '../../commands/types.ts';
import type { OnchainStatus, Profile } from '../../commands/types.ts';
import { onchainBlocks } from './onchain-blocks.ts';
import { KYC_BADGE, riskText, SECTION_TITLES, sectionFields, TURTLE_NOTE, VIEW_LABELS, type Field } from '../render/format.ts';
import { clip, escape, fitMessage, LIMITS, type Block, type SlackMessage } from './limits.ts';
import { listButtons, pageButton, refusedBlock, transactionPreview } from './list-blocks.ts';

/** Button action ids are `user360_section:<section>`; the button's value is the unified ID to look up. */
export const SECTION_ACTION_PREFIX = 'user360_section:';
export type CardView = ProfileSection | 'card';

const CARD_FIELD_CHARS = 600;
const CARD_WALLETS = 5;

const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text });
const fieldText = (f: Field, max: number) => mrkdwn(clip(`*${escape(f.name)}*\n${escape(f.value)}`, max));
const title = (s: ProfileSection) => `*${SECTION_TITLES[s]}*${s === 'purchases' ? ' 🐢' : ''}`;

function walletLine(w: Profile['wallets'][number]): string {
  const address = w.explorer_url ? `<${w.explorer_url}|${escape(w.address)}>` : `\`${escape(w.address)}\``;
  return `• ${escape(w.chain)}: ${address}`;
}

/** The card's first wallets; the whole list pages (the Wallets button opens it: see list-blocks.ts). */
function walletBlocks(p: Profile): Block[] {
  const n = p.wallets.length;
  if (n === 0) return [{ type: 'section', text: mrkdwn(`${title('wallets')}\nNo wallets yet`) }];
  const lines = p.wallets.map(walletLine);
  const more = n > CARD_WALLETS ? `\n…and ${n - CARD_WALLETS} more: press *Wallets*` : '';
  return [{ type: 'section', text: mrkdwn(clip(`${title('wallets')} (${n})\n${lines.slice(0, CARD_WALLETS).join('\n')}`, 2000) + more) }];
}

function fieldBlocks(p: Profile, s: Exclude<ProfileSection, 'wallets' | 'transactions'>, fieldMax: number): Block[] {
  const fields = sectionFields(p, s, { paged: true });
  const blocks: Block[] = [];
  for (let i = 0; i < fields.length; i += LIMITS.fields) {
    const chunk = fields.slice(i, i + LIMITS.fields).map((f) => fieldText(f, fieldMax));
    blocks.push(i === 0 ? { type: 'section', text: mrkdwn(title(s)), fields: chunk } : { type: 'section', fields: chunk });
  }
  return blocks;
}

const sectionBlocks = (p: Profile, s: ProfileSection, fieldMax: number) =>
  s === 'wallets' ? walletBlocks(p) : s === 'transactions' ? transactionPreview(p, title(s)) : fieldBlocks(p, s, fieldMax);

function buttons(p: Profile, view: CardView): Block {
  const views: CardView[] = view === 'card' ? [...PROFILE_SECTIONS] : ['card', ...PROFILE_SECTIONS];
  return {
    type: 'actions',
    block_id: 'user360_sections',
    elements: [...views.map((v) => pageButton(VIEW_LABELS[v], `${SECTION_ACTION_PREFIX}${v}`, p.unified_id, v === view)), ...listButtons(p)],
  };
}

/** The profile card (every section in brief) or one section in full, with buttons to switch between them. */
export function profileMessage(p: Profile, view: CardView, masked: boolean, onchain?: OnchainStatus): SlackMessage {
  const who = p.basic.name ? `${p.basic.name} · ${p.unified_id}` : p.unified_id;
  const badges = [`KYC ${KYC_BADGE[p.compliance.kyc_status] ?? p.compliance.kyc_status}`, `Risk ${riskText(p)}`];
  if (view !== 'card') badges.push(`Showing ${SECTION_TITLES[view]}`);
  if (masked) badges.push('🔒 personal data masked for your role');
  const sections = view === 'card' ? [...PROFILE_SECTIONS] : [view];
  const body = sections.flatMap((s, i) => [
    ...(i > 0 ? [{ type: 'divider' } as Block] : []),
    ...sectionBlocks(p, s, view === 'card' ? CARD_FIELD_CHARS : LIMITS.fieldText),
  ]);
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(who, LIMITS.headerText), emoji: true } },
    { type: 'context', elements: [mrkdwn(escape(badges.join('  ·  ')))] },
    ...(view === 'card' ? refusedBlock(p.refused_by_guards) : []),
    ...body,
    ...onchainBlocks(p, view, onchain),
    ...(sections.includes('purchases') ? [{ type: 'context', elements: [mrkdwn(TURTLE_NOTE)] } as Block] : []),
    buttons(p, view),
  ];
  return { text: clip(escape(`${who}: KYC ${p.compliance.kyc_status}`), 3000), blocks: fitMessage(blocks) };
}
