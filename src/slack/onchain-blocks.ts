import type { types } from '@slack/bolt';
import type { OnchainStatus, Profile, WalletView } from '../../commands/types.ts';
import type { Field } from '../render/format.ts';
import { ONCHAIN_TITLE, profileOnchainFields, walletFields } from '../render/onchain.ts';
import { clip, escape, fitMessage, LIMITS, type Block, type SlackMessage } from './limits.ts';

/** What the on-chain part may take of a profile message, so the sections around it keep their room. */
const PROFILE_BUDGET = 3500;
const CARD_FIELD_CHARS = 600;

const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text });

/**
 * Fields (plain text, escaped here) as sections of at most ten, each field cut to `max`, all of them
 * within `budget` characters; what does not fit is counted in a last field.
 */
function fieldSections(title: string, fields: Field[], max: number, budget: number, hint: string): Block[] {
  const texts: string[] = [];
  let used = 0;
  for (const [i, f] of fields.entries()) {
    const t = clip(`*${escape(f.name)}*\n${escape(f.value)}`, Math.min(max, LIMITS.fieldText));
    if (used + t.length > budget) {
      texts.push(`*More*\n…and ${fields.length - i} more${hint}`);
      break;
    }
    texts.push(t);
    used += t.length;
  }
  const blocks: Block[] = [];
  for (let i = 0; i < texts.length; i += LIMITS.fields) {
    const chunk = texts.slice(i, i + LIMITS.fields).map(mrkdwn);
    blocks.push(i === 0 ? { type: 'section', text: mrkdwn(title), fields: chunk } : { type: 'section', fields: chunk });
  }
  return blocks;
}

/** The profile's on-chain blocks for `view` (none when it has nothing on-chain), after a divider. */
export function onchainBlocks(p: Profile, view: string, status: OnchainStatus | undefined): Block[] {
  const fields = profileOnchainFields(p, status, view);
  if (!fields) return [];
  const max = view === 'card' ? CARD_FIELD_CHARS : LIMITS.fieldText;
  return [{ type: 'divider' }, ...fieldSections(`*${ONCHAIN_TITLE}*`, fields, max, PROFILE_BUDGET, `: \`npx user360 lookup ${p.unified_id}\``)];
}

/** `/user360 wallet <address>`. */
export function walletMessage(w: WalletView, masked: boolean): SlackMessage {
  const { title, fields } = walletFields(w);
  const notes = ['Times in GMT+8', 'figures from the store, never a live node call', ...(masked ? ['🔒 personal data masked for your role'] : [])];
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, LIMITS.headerText), emoji: true } },
    { type: 'context', elements: [mrkdwn(escape(notes.join('  ·  ')))] },
    ...fieldSections(`\`${escape(w.address)}\``, fields, LIMITS.fieldText, LIMITS.messageChars - 2000, ''),
  ];
  return { text: clip(escape(title), 3000), blocks: fitMessage(blocks) };
}
