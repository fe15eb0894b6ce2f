// The profile as Discord embeds: the card shows every section in brief (one embed each, as the Slack
// card shows one block group each), a button shows one section in full.
import { ButtonBuilder, ButtonStyle, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import { PROFILE_SECTIONS, type ProfileSection } from '../../commands/types.ts';
import type { OnchainStatus, Profile } from '../../commands/types.ts';
import { onchainEmbed, placeOnchain } from './onchain-embeds.ts';
import { KYC_BADGE, riskText, sectionFields, sectionHeading, TURTLE_NOTE, VIEW_LABELS } from '../render/format.ts';
import { COLOR, embed, embedChars, escapeMarkdown, LIMITS, type DiscordMessage, type EmbedSpec } from './limits.ts';
import { listButtons, refusedLine, row, transactionLines } from './list-embeds.ts';

export type CardView = ProfileSection | 'card';

const CARD_FIELD_CHARS = 600;
const CARD_WALLETS = 5;
/** What each later section of the card is promised, so a huge first section cannot starve them. */
const CARD_SECTION_RESERVE = 500;

const RISK_COLOR: Record<string, number> = { low: COLOR.green, low_medium: COLOR.yellow, medium: COLOR.orange, high: COLOR.red, very_high: COLOR.darkRed };
const KYC_COLOR: Record<string, number> = { unverified: COLOR.grey, pending: COLOR.yellow, verified: COLOR.green, rejected: COLOR.red };

/** A rejected KYC outranks any score; otherwise the risk level speaks, and the KYC status when unscored. */
export function profileColor(p: Profile): number {
  if (p.compliance.kyc_status === 'rejected') return COLOR.red;
  return (p.compliance.risk_level && RISK_COLOR[p.compliance.risk_level]) || KYC_COLOR[p.compliance.kyc_status] || COLOR.grey;
}

export const SECTION_BUTTON = 'u360:section:';
export const sectionCustomId = (unifiedId: string, view: CardView) => `${SECTION_BUTTON}${unifiedId}:${view}`;

export function parseSectionCustomId(customId: string): { unifiedId: string; section: string } | null {
  const m = /^u360:section:(u_[0-9A-Za-z]+):([a-z]+)$/.exec(customId);
  return m ? { unifiedId: m[1]!, section: m[2]! } : null;
}

function sectionButtons(p: Profile, view: CardView): APIActionRowComponent<APIButtonComponent>[] {
  const buttons = (['card', ...PROFILE_SECTIONS] as const).map((v) =>
    new ButtonBuilder()
      .setCustomId(sectionCustomId(p.unified_id, v))
      .setLabel(VIEW_LABELS[v])
      .setStyle(v === view ? ButtonStyle.Primary : ButtonStyle.Secondary)
      .setDisabled(v === view),
  );
  const rows: APIButtonComponent[][] = [];
  for (let i = 0; i < buttons.length; i += LIMITS.buttonsPerRow) rows.push(buttons.slice(i, i + LIMITS.buttonsPerRow).map((b) => b.toJSON() as APIButtonComponent));
  const lists = listButtons(p);
  return [...rows, ...(lists.length ? [lists] : [])].map(row);
}

const heading = sectionHeading;

function walletLine(w: Profile['wallets'][number]): string {
  const address = escapeMarkdown(w.address);
  return `**${w.chain}** ${w.explorer_url ? `[${address}](${w.explorer_url})` : address}`;
}

/** One section's embed content, without the colour and the customer header; lists show their start. */
function sectionSpec(p: Profile, s: ProfileSection): Omit<EmbedSpec, 'color'> {
  if (s === 'transactions') return { title: `${heading(s)} (${p.assetpro.transaction_count})`, lines: transactionLines(p) };
  if (s !== 'wallets') return { title: heading(s), fields: sectionFields(p, s, { paged: true }) };
  const n = p.wallets.length;
  if (n === 0) return { title: heading(s), lines: ['No wallets seen yet'] };
  const more = n > CARD_WALLETS ? [`…and ${n - CARD_WALLETS} more: press **Wallets**`] : [];
  return { title: `${heading(s)} (${n})`, lines: [...p.wallets.slice(0, CARD_WALLETS).map(walletLine), ...more] };
}

/** The profile card (every section in brief) or one section in full, with buttons to switch between them. */
export function profileMessage(p: Profile, view: CardView, masked: boolean, onchain?: OnchainStatus): DiscordMessage {
  const name = p.basic.name ? escapeMarkdown(p.basic.name) : p.unified_id;
  const head = `\`${p.unified_id}\` · KYC ${KYC_BADGE[p.compliance.kyc_status] ?? p.compliance.kyc_status} · risk ${riskText(p)}`;
  const sections = view === 'card' ? [...PROFILE_SECTIONS] : [view];
  const notes = ['Times in GMT+8', ...(masked ? ['🔒 personal data masked for your role'] : [])].join(' · ');
  const footer = sections.includes('purchases') ? `${notes}\n${TURTLE_NOTE}` : notes;
  const color = profileColor(p);

  const embeds: APIEmbed[] = [];
  const chain = onchainEmbed(p, view, onchain, color);
  let left = LIMITS.total - (chain ? embedChars(chain) : 0);
  sections.forEach((s, i) => {
    const spec: EmbedSpec = { ...sectionSpec(p, s), color, valueMax: view === 'card' ? CARD_FIELD_CHARS : LIMITS.fieldValue };
    if (i === 0) {
      spec.title = view === 'card' ? name : `${name} · ${spec.title}`;
      spec.lines = [head, ...(view === 'card' ? refusedLine(p.refused_by_guards) : []), ...(spec.lines ? ['', ...spec.lines] : [])];
    }
    if (i === sections.length - 1) spec.footer = footer;
    const reserve = (sections.length - i - 1) * CARD_SECTION_RESERVE + (spec.footer ? 0 : footer.length);
    const e = embed(spec, left - reserve);
    left -= embedChars(e);
    embeds.push(e);
  });
  if (chain) placeOnchain(embeds, chain, sections);
  return { embeds, components: sectionButtons(p, view) };
}
