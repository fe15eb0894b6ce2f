// The Discord renderer: one embed per reply, fitted to Discord's limits here rather than trusted to
// the data (a customer can hold hundreds of wallets), plus buttons that switch profile sections.
import {
  ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder,
  type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type APIEmbedField,
} from 'discord.js';
import { PROFILE_SECTIONS, type CommandResult, type ProfileSection } from '../../commands/types.ts';
import type { Metrics } from '../metrics/live.ts';
import type { Profile } from '../profile/profile.ts';
import { fmtInt, fmtUsdt, KYC_BADGE, RISK_BADGE, riskText, SECTION_TITLES, sectionFields, type Field } from '../render/format.ts';

export const LIMITS = {
  title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, author: 256,
  embeds: 10, total: 6000, content: 2000, rows: 5, buttonsPerRow: 5, label: 80, customId: 100,
} as const;

export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

const COLOR = { green: 0x2ecc71, yellow: 0xf1c40f, orange: 0xe67e22, red: 0xe74c3c, darkRed: 0x992d22, grey: 0x95a5a6, blurple: 0x5865f2 };
const RISK_COLOR: Record<string, number> = { low: COLOR.green, low_medium: COLOR.yellow, medium: COLOR.orange, high: COLOR.red, very_high: COLOR.darkRed };
const KYC_COLOR: Record<string, number> = { unverified: COLOR.grey, pending: COLOR.yellow, verified: COLOR.green, rejected: COLOR.red };

/** A rejected KYC outranks any score; otherwise the risk level speaks, and the KYC status when unscored. */
export function profileColor(p: Profile): number {
  if (p.compliance.kyc_status === 'rejected') return COLOR.red;
  return (p.compliance.risk_level && RISK_COLOR[p.compliance.risk_level]) || KYC_COLOR[p.compliance.kyc_status] || COLOR.grey;
}

/** Cuts at a code-point boundary so no half emoji is left behind. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Joins as many whole lines as fit in `max` characters and counts the rest as "…and N more". */
export function fitLines(lines: readonly string[], max: number): string {
  const room = (n: number) => (n ? `\n…and ${n} more`.length : 0);
  const kept: string[] = [];
  let used = 0;
  for (const [i, raw] of lines.entries()) {
    const line = clip(raw, max - room(lines.length));
    const add = (kept.length ? 1 : 0) + line.length;
    if (used + add + room(lines.length - i - 1) > max) break;
    kept.push(line);
    used += add;
  }
  const dropped = lines.length - kept.length;
  if (!dropped) return kept.join('\n') || '—';
  return [...kept, `…and ${dropped} more`].join('\n');
}

/**
 * Data is shown as typed, never as markdown: masked values are full of `*`, and a name could carry a
 * link. discord.js's escapeMarkdown only escapes balanced pairs, so `******6789` would still render bold.
 */
export const escapeMarkdown = (line: string) => line.replace(/[\\*_~`|[\]]/g, '\\$&').replace(/^([>#-])/, '\\$1');

const SHORT = 40;
const esc = (value: string) => value.split('\n').map(escapeMarkdown);

/** Fields within the per-field limits, at most 25, and within `budget` characters in all. */
function fitFields(fields: readonly Field[], budget: number): APIEmbedField[] {
  const out: APIEmbedField[] = [];
  let used = 0;
  for (const [i, f] of fields.entries()) {
    const left = fields.length - i;
    const name = clip(f.name || '—', LIMITS.fieldName);
    const value = fitLines(esc(f.value), LIMITS.fieldValue);
    const lastSlot = out.length === LIMITS.fields - 1 && left > 1;
    if (lastSlot || used + name.length + value.length + (left > 1 ? 30 : 0) > budget) {
      out.push({ name: 'More', value: `…and ${left} more` });
      break;
    }
    out.push({ name, value, inline: value.length <= SHORT && !value.includes('\n') });
    used += name.length + value.length;
  }
  return out;
}

interface EmbedSpec {
  title: string;
  lines?: readonly string[];
  fields?: readonly Field[];
  footer?: string;
  color: number;
}

/** Builds one embed; the description takes whatever the 6,000-character total leaves after the fields. */
function embed(spec: EmbedSpec): APIEmbed {
  const title = clip(spec.title, LIMITS.title);
  const footer = spec.footer ? clip(spec.footer, LIMITS.footer) : undefined;
  const fixed = title.length + (footer?.length ?? 0);
  const fields = fitFields(spec.fields ?? [], LIMITS.total - fixed - 200);
  const fieldChars = fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const b = new EmbedBuilder().setTitle(title).setColor(spec.color);
  if (spec.lines?.length) b.setDescription(fitLines(spec.lines, Math.min(LIMITS.description, LIMITS.total - fixed - fieldChars)));
  if (fields.length) b.addFields(fields);
  if (footer) b.setFooter({ text: footer });
  return b.toJSON();
}

export const SECTION_BUTTON = 'u360:section:';
export const sectionCustomId = (unifiedId: string, section: ProfileSection | 'card') => `${SECTION_BUTTON}${unifiedId}:${section}`;

export function parseSectionCustomId(customId: string): { unifiedId: string; section: string } | null {
  const m = /^u360:section:(u_[0-9A-Za-z]+):([a-z]+)$/.exec(customId);
  return m ? { unifiedId: m[1]!, section: m[2]! } : null;
}

function sectionButtons(unifiedId: string, current: ProfileSection | 'card'): APIActionRowComponent<APIButtonComponent>[] {
  const all = ['card', ...PROFILE_SECTIONS] as const;
  const buttons = all.map((s) =>
    new ButtonBuilder()
      .setCustomId(sectionCustomId(unifiedId, s))
      .setLabel(s === 'card' ? 'Overview' : SECTION_TITLES[s])
      .setStyle(s === current ? ButtonStyle.Primary : ButtonStyle.Secondary)
      .setDisabled(s === current),
  );
  const rows = [buttons.slice(0, 4), buttons.slice(4)];
  return rows.map((r) => new ActionRowBuilder<ButtonBuilder>().addComponents(r).toJSON());
}

function walletLines(p: Profile): string[] {
  return p.wallets.map((w) => `**${w.chain}** ${w.explorer_url ? `[${w.address}](${w.explorer_url})` : `\`${w.address}\``}`);
}

function profileMessage(p: Profile, section: ProfileSection | 'card', masked: boolean): DiscordMessage {
  const head = `\`${p.unified_id}\` · ${KYC_BADGE[p.compliance.kyc_status] ?? p.compliance.kyc_status} · risk ${riskText(p)}`;
  const name = p.basic.name ? escapeMarkdown(p.basic.name) : p.unified_id;
  const title = section === 'card' ? name : `${name} · ${SECTION_TITLES[section]}`;
  let lines = [head];
  let fields: Field[];
  if (section === 'card') {
    const chains = [...new Set(p.wallets.map((w) => w.chain))].sort().join(', ');
    fields = [
      ...sectionFields(p, 'general').filter((f) => f.name !== 'Name'),
      { name: 'Wallets', value: p.wallets.length ? `${fmtInt(p.wallets.length)} on ${chains}` : 'none' },
      { name: 'AssetPro', value: `${fmtInt(p.assetpro.transaction_count)} tx · ${fmtUsdt(p.assetpro.transaction_value_usdt)}` },
    ];
  } else if (section === 'wallets') {
    lines = [head, '', ...(p.wallets.length ? walletLines(p) : ['No wallets seen yet'])];
    fields = [];
  } else fields = sectionFields(p, section);
  const footer = ['Times in GMT+8', ...(masked ? ['personal data masked for your role'] : [])].join(' · ');
  return {
    embeds: [embed({ title, lines, fields, footer, color: profileColor(p) })],
    components: sectionButtons(p.unified_id, section),
  };
}

const list = <T>(items: readonly T[], line: (t: T) => string) => (items.length ? items.map(line).join('\n') : '—');

function metricsMessage(m: Metrics): DiscordMessage {
  const c = m.compliance;
  const a = m.assetpro;
  const fields: Field[] = [
    { name: 'New customers', value: fmtInt(c.new_customers) },
    { name: 'KYC submitted / verified / rejected', value: `${fmtInt(c.kyc_submitted)} / ${fmtInt(c.kyc_verified)} / ${fmtInt(c.kyc_rejected)}` },
    { name: 'Pending queue (now)', value: fmtInt(c.pending_queue) },
    { name: 'New high / very high risk', value: `${fmtInt(c.new_high_risk)} / ${fmtInt(c.new_very_high_risk)}` },
    { name: 'Risk levels (now)', value: list(Object.entries(c.customers_by_risk_level), ([k, v]) => `${RISK_BADGE[k] ?? k}: ${fmtInt(v)}`) },
    { name: 'Transactions', value: `${fmtInt(a.transaction_count)} · ${fmtUsdt(a.transaction_value_usdt)}` },
    { name: 'By token', value: list(a.by_token, (t) => `${t.token}: ${fmtUsdt(t.value_usdt)} (${fmtInt(t.count)})`) },
    { name: 'By chain', value: list(a.by_chain, (t) => `${t.chain}: ${fmtUsdt(t.value_usdt)} (${fmtInt(t.count)})`) },
    { name: 'Top customers', value: list(a.top_customers, (t) => `${t.unified_id}: ${fmtUsdt(t.value_usdt)}`) },
  ];
  return { embeds: [embed({ title: `Metrics ${m.range.from} to ${m.range.to}`, fields, footer: 'GMT+8 days', color: COLOR.blurple })], components: [] };
}

/** Renders every result model; buttons only where there is something to switch to. */
export function renderDiscord(r: CommandResult): DiscordMessage {
  const only = (spec: EmbedSpec): DiscordMessage => ({ embeds: [embed(spec)], components: [] });
  switch (r.kind) {
    case 'profile':
      return profileMessage(r.profile, r.section, r.masked);
    case 'not_found':
      return only({ title: 'No customer found', lines: [escapeMarkdown(r.message)], color: COLOR.grey });
    case 'metrics':
      return metricsMessage(r.metrics);
    case 'top':
      return only({
        title: 'Top customers by transaction volume',
        lines: r.customers.length
          ? r.customers.map((c, i) => `${i + 1}. \`${c.unified_id}\` ${fmtUsdt(c.value_usdt)} (${fmtInt(c.count)} tx)`)
          : ['No transactions in this range'],
        footer: `${r.range.from} to ${r.range.to} (GMT+8)`,
        color: COLOR.blurple,
      });
    case 'help':
      return only({ title: '/user360 usage', fields: r.usage.map((u) => ({ name: `/user360 ${u.syntax}`, value: u.summary })), color: COLOR.blurple });
    case 'usage_error':
      return only({
        title: 'That did not work',
        lines: [escapeMarkdown(r.message)],
        fields: r.usage.length ? [{ name: 'Usage', value: r.usage.map((u) => `/user360 ${u.syntax}`).join('\n') }] : [],
        color: COLOR.orange,
      });
    case 'notice':
      return only({ title: r.title, lines: r.lines.map((l) => escapeMarkdown(l)), color: r.ok ? COLOR.green : COLOR.red });
  }
}

type LooseMessage = { content?: string; embeds?: APIEmbed[]; components?: Array<{ components: Array<{ label?: string; custom_id?: string }> }> };

/** What would make Discord refuse `message`; empty when it is within every limit. */
export function checkDiscordLimits(message: LooseMessage): string[] {
  const problems: string[] = [];
  const over = (what: string, n: number, max: number) => n > max && problems.push(`${what}: ${n} > ${max}`);
  over('content', message.content?.length ?? 0, LIMITS.content);
  const embeds = message.embeds ?? [];
  over('embeds', embeds.length, LIMITS.embeds);
  let total = 0;
  embeds.forEach((e, i) => {
    over(`embed ${i} title`, e.title?.length ?? 0, LIMITS.title);
    over(`embed ${i} description`, e.description?.length ?? 0, LIMITS.description);
    over(`embed ${i} footer`, e.footer?.text.length ?? 0, LIMITS.footer);
    over(`embed ${i} author`, e.author?.name.length ?? 0, LIMITS.author);
    over(`embed ${i} fields`, e.fields?.length ?? 0, LIMITS.fields);
    e.fields?.forEach((f, j) => {
      over(`embed ${i} field ${j} name`, f.name.length, LIMITS.fieldName);
      over(`embed ${i} field ${j} value`, f.value.length, LIMITS.fieldValue);
      if (!f.name || !f.value) problems.push(`embed ${i} field ${j} is empty`);
    });
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
    total += (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  });
  over('characters across embeds', total, LIMITS.total);
  const rows = message.components ?? [];
  over('component rows', rows.length, LIMITS.rows);
  rows.forEach((row, i) => {
    over(`row ${i} components`, row.components.length, LIMITS.buttonsPerRow);
    for (const b of row.components) {
      over(`row ${i} label`, b.label?.length ?? 0, LIMITS.label);
      over(`row ${i} custom_id`, b.custom_id?.length ?? 0, LIMITS.customId);
    }
  });
  return problems;
}
