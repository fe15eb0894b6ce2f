// The Discord renderer of every result model: embeds within Discord's limits (see limits.ts), buttons
// for the profile sections (see profile-embeds.ts).
import type { CommandResult } from '../../commands/types.ts';
import { fmtInt, fmtUsdt, RISK_BADGE, type Field } from '../render/format.ts';
import { COLOR, embed, escape, escapeKeepingMentions, type DiscordMessage, type EmbedSpec } from './limits.ts';
import { profileMessage } from './profile-embeds.ts';
import { digestMessage } from './digest-embeds.ts';
import { alertMessage } from './alert-embeds.ts';
import { conflictsEmbeds } from './conflict-embeds.ts';
import { findEmbeds } from './find-embeds.ts';
import { walletEmbeds } from './onchain-embeds.ts';
import { listEmbeds } from './list-embeds.ts';
import { sectionCustomId } from './profile-embeds.ts';

export { checkDiscordLimits, clip, escape, escapeMarkdown, fitLines, LIMITS, NO_MENTIONS, type DiscordMessage } from './limits.ts';
export { parseSectionCustomId, sectionCustomId } from './profile-embeds.ts';

type Metrics = Extract<CommandResult, { kind: 'metrics' }>['metrics'];
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
    { name: 'By acquisition source', value: list(a.by_acquisition_source, (t) => `${t.source}: ${fmtUsdt(t.value_usdt)} (${fmtInt(t.count)})`) },
    { name: 'Top customers', value: list(a.top_customers, (t) => `${t.unified_id}: ${fmtUsdt(t.value_usdt)}`) },
  ];
  return { embeds: [embed({ title: `Metrics ${m.range.from} to ${m.range.to}`, fields, footer: 'GMT+8 days', color: COLOR.blurple })], components: [] };
}

/** Renders every result model; buttons only where there is something to switch to. */
export function renderDiscord(r: CommandResult): DiscordMessage {
  const only = (spec: EmbedSpec): DiscordMessage => ({ embeds: [embed(spec)], components: [] });
  switch (r.kind) {
    case 'profile':
      return profileMessage(r.profile, r.section, r.masked, r.onchain);
    case 'wallet':
      return walletEmbeds(r.wallet, r.masked);
    case 'not_found':
      return only({ title: 'No customer found', lines: [escape(r.message)], color: COLOR.grey });
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
        lines: [escape(r.message)],
        fields: r.usage.length ? [{ name: 'Usage', value: r.usage.map((u) => `/user360 ${u.syntax}`).join('\n') }] : [],
        color: COLOR.orange,
      });
    case 'digest':
      return digestMessage(r.digest, 'The daily post carries the 30-day volume chart.');
    case 'alert':
      return alertMessage(r.alert);
    case 'notice':
      // A notice is the command's own words; the mentions it wrote stay (they never ping: NO_MENTIONS).
      return only({ title: r.title, lines: r.lines.map(escapeKeepingMentions), color: r.ok ? COLOR.green : COLOR.red });
    case 'find':
      return findEmbeds(r);
    case 'conflicts':
      return conflictsEmbeds(r);
    case 'profile_list':
      return listEmbeds(r, sectionCustomId(r.unified_id, 'card'));
  }
}
