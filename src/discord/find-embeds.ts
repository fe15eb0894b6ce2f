import { ButtonBuilder, ButtonStyle, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { FindResult } from '../../commands/find.ts';
import type { AudienceRow } from '../audience/rows.ts';
import { alertCustomId } from './alert-embeds.ts';
import { fmtUsdt, KYC_BADGE, RISK_BADGE } from '../render/format.ts';
import { escape } from './escape.ts';
import { COLOR, embed, LIMITS, type DiscordMessage } from './limits.ts';

/**
 * A custom_id holds 100 characters, too few for a query: Next/Previous carry the signed cursor, and the
 * query travels in the embed's footer, which Discord sends back with the click. The cursor is bound to
 * the query's fingerprint, so a footer and cursor that do not belong together are refused.
 */
export const FIND_PAGE_PREFIX = 'u360:find:';
export const FIND_FOOTER_PREFIX = 'Search: ';

function rowLine(n: number, c: AudienceRow): string {
  const contact = [c.email, c.phone, c.wallet && `${c.wallet.chain} ${c.wallet.address}`].filter(Boolean).map((s) => escape(String(s))).join(' · ');
  const compliance = [KYC_BADGE[c.kyc_status], c.risk_level ? `risk ${RISK_BADGE[c.risk_level]}` : null, c.form_number ? `form ${escape(c.form_number)}` : null].filter(Boolean).join(' · ');
  return `**${n}. ${escape(c.name ?? '(no name)')}** \`${c.unified_id}\`\n${contact || '—'}\n${compliance} · ${c.stage} · 30d ${fmtUsdt(c.volume_30d_usdt)}`;
}

const button = (id: string, label: string, style = ButtonStyle.Secondary) => new ButtonBuilder().setCustomId(id).setLabel(label).setStyle(style).toJSON() as APIButtonComponent;
const row = (components: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent> => ({ type: 1, components });

export function findEmbeds(r: FindResult): DiscordMessage {
  const q = r.query || '(everyone)';
  const title = r.total ? `${r.total} customer(s), ${r.offset + 1}–${r.offset + r.rows.length} by 30-day volume` : 'No customers match';
  const lines = [...r.notes.map(escape), ...(r.masked && r.total ? ['Personal data is masked for your role.'] : []), ...r.rows.map((c, i) => rowLine(r.offset + i + 1, c))];
  const footer = `${FIND_FOOTER_PREFIX}${q}`;
  const components: APIActionRowComponent<APIButtonComponent>[] = [];
  const opens = r.rows.map((c, i) => button(alertCustomId.open(c.unified_id), `Open ${r.offset + i + 1}`));
  for (let i = 0; i < opens.length; i += LIMITS.buttonsPerRow) components.push(row(opens.slice(i, i + LIMITS.buttonsPerRow)));
  const nav = ([['Previous', r.prevCursor], ['Next', r.nextCursor]] as const)
    .filter(([, c]) => c && `${FIND_PAGE_PREFIX}${c}`.length <= LIMITS.customId && footer.length <= LIMITS.footer)
    .map(([label, c]) => button(`${FIND_PAGE_PREFIX}${c}`, label, ButtonStyle.Primary));
  if (nav.length) components.push(row(nav));
  return { embeds: [embed({ title, lines: lines.length ? lines : ['Try fewer filters or a shorter word.'], footer, color: COLOR.blurple })], components };
}

/** The query a page button's message was for, from its footer. */
export function queryOfMessage(message: { embeds?: { footer?: { text?: string } }[] } | undefined): string | undefined {
  const text = message?.embeds?.[0]?.footer?.text;
  if (!text?.startsWith(FIND_FOOTER_PREFIX)) return undefined;
  const q = text.slice(FIND_FOOTER_PREFIX.length);
  return q === '(everyone)' ? '' : q;
}
