import type { types } from '@slack/bolt';
import type { FindResult } from '../../commands/find.ts';
import type { AudienceRow } from '../audience/rows.ts';
import { fmtUsdt, KYC_BADGE, RISK_BADGE } from '../render/format.ts';
import { escape } from './escape.ts';
import { clip, fitMessage, LIMITS, type Block, type SlackMessage } from './limits.ts';

/** Next/Previous carry the query and the signed cursor (never the results); Open reuses the alerts' action. */
export const FIND_PAGE_ACTION = 'user360_find_page';
export const FIND_OPEN_ACTION = 'user360_open';
/** Slack's limit on a button's value. */
const VALUE_MAX = 2000;

const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text });

function rowText(n: number, c: AudienceRow): string {
  const contact = [c.email, c.phone, c.wallet && `${c.wallet.chain} ${c.wallet.address}`].filter(Boolean).map((s) => escape(String(s))).join(' · ');
  const compliance = [KYC_BADGE[c.kyc_status], c.risk_level ? `risk ${RISK_BADGE[c.risk_level]}` : null, c.form_number ? `form ${escape(c.form_number)}` : null].filter(Boolean).join(' · ');
  return clip(`*${n}. ${escape(c.name ?? '(no name)')}*  \`${c.unified_id}\`\n${contact || '—'}\n${compliance} · ${c.stage} · 30d ${fmtUsdt(c.volume_30d_usdt)}`, LIMITS.sectionText);
}

export const pageValue = (query: string, cursor: string) => JSON.stringify({ q: query, c: cursor });

export function findMessage(r: FindResult): SlackMessage {
  const q = r.query || '(everyone)';
  const last = r.offset + r.rows.length;
  const title = r.total ? `${r.total} customer(s) for ${q}` : `No customers match ${q}`;
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: clip(title, LIMITS.headerText), emoji: false } }];
  if (r.total) blocks.push({ type: 'context', elements: [mrkdwn(`${r.offset + 1}–${last} of ${r.total}, by 30-day volume${r.masked ? ' · personal data masked for your role' : ''}`)] });
  for (const note of r.notes) blocks.push({ type: 'context', elements: [mrkdwn(escape(note))] });
  r.rows.forEach((c, i) => {
    blocks.push({
      type: 'section',
      text: mrkdwn(rowText(r.offset + i + 1, c)),
      accessory: { type: 'button', action_id: FIND_OPEN_ACTION, text: { type: 'plain_text', text: 'Open' }, value: c.unified_id },
    });
  });
  const nav: types.Button[] = [];
  for (const [label, cursor] of [['Previous', r.prevCursor], ['Next', r.nextCursor]] as const) {
    const value = cursor && pageValue(r.query, cursor);
    if (value && value.length <= VALUE_MAX) nav.push({ type: 'button', action_id: `${FIND_PAGE_ACTION}:${label.toLowerCase()}`, text: { type: 'plain_text', text: label }, value });
  }
  if (nav.length) blocks.push({ type: 'actions', block_id: 'user360_find_nav', elements: nav });
  return { text: clip(escape(title), 3000), blocks: fitMessage(blocks) };
}
