import type { types } from '@slack/bolt';
import type { CommandResult, UsageLine } from '../../commands/types.ts';
import { fmtInt, fmtUsdt, RISK_BADGE, type Field } from '../render/format.ts';
import { clip, escape, escapeKeepingMentions, fitMessage, LIMITS, linesToSections, type Block, type SlackMessage } from './limits.ts';
import { profileMessage } from './profile-blocks.ts';
import { digestMessage } from './digest-blocks.ts';
import { alertMessage } from './alert-blocks.ts';
import { findMessage } from './find-blocks.ts';
import { walletMessage } from './onchain-blocks.ts';
import { conflictsMessage } from './conflict-blocks.ts';
import { listMessage } from './list-blocks.ts';

export { checkSlackLimits, type SlackMessage } from './limits.ts';
export { SECTION_ACTION_PREFIX } from './profile-blocks.ts';

type Metrics = Extract<CommandResult, { kind: 'metrics' }>['metrics'];

/** The Block Kit renderer: one message per command result, always within Slack's limits. */
export function renderSlack(r: CommandResult): SlackMessage {
  switch (r.kind) {
    case 'profile':
      return profileMessage(r.profile, r.section, r.masked, r.onchain);
    case 'wallet':
      return walletMessage(r.wallet, r.masked);
    case 'not_found':
      return plain(`🔍 ${r.message}`, [section(`🔍 ${escape(r.message)}`)]);
    case 'metrics':
      return metricsMessage(r.metrics);
    case 'top':
      return topMessage(r);
    case 'help':
      return plain('User 360 usage', [section('*User 360*: `/user360 <subcommand>`'), ...usageBlocks(r.usage)]);
    case 'usage_error':
      return plain(r.message, [
        section(`⚠️ ${escape(r.message)}`),
        ...(r.usage.length ? usageBlocks(r.usage) : [context('Type `/user360 help` for the list of subcommands.')]),
      ]);
    case 'digest':
      return digestMessage(r.digest, 'The daily post carries the 30-day volume chart.');
    case 'alert':
      return alertMessage(r.alert);
    case 'notice': {
      // A notice is the command's own words; the mentions it wrote stay mentions (see escapeKeepingMentions).
      const body = `${r.ok ? '✅' : '⛔'} *${escapeKeepingMentions(r.title)}*${r.lines.length ? '\n' : ''}${r.lines.map(escapeKeepingMentions).join('\n')}`;
      return { text: clip(escapeKeepingMentions(r.title), 3000), blocks: fitMessage([section(body)]) };
    }
    case 'find':
      return findMessage(r);
    case 'conflicts':
      return conflictsMessage(r);
    case 'profile_list':
      return listMessage(r);
  }
}

/** For failures outside the command layer (a crash, a timeout): never a stack trace. */
export function errorMessage(text: string): SlackMessage {
  return plain(text, [section(`⚠️ ${escape(text)}`)]);
}

const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(clip(text, LIMITS.sectionText)) });
const context = (text: string): Block => ({ type: 'context', elements: [mrkdwn(text)] });
const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text: clip(text, LIMITS.headerText), emoji: true } });
/** Field values here are mrkdwn already: the caller escapes the data in them. */
const fieldsBlock = (title: string, fields: Field[]): Block => ({
  type: 'section',
  text: mrkdwn(title),
  fields: fields.slice(0, LIMITS.fields).map((f) => mrkdwn(clip(`*${escape(f.name)}*\n${f.value}`, LIMITS.fieldText))),
});
// `text` is the notification fallback and Slack parses it as mrkdwn too, so it is escaped like the blocks.
const plain = (text: string, blocks: Block[]): SlackMessage => ({ text: clip(escape(text), 3000), blocks: fitMessage(blocks) });

const listSections = (lines: string[]): Block[] => linesToSections(lines).blocks;

const usageBlocks = (usage: readonly UsageLine[]) => listSections(usage.map((u) => `• \`${escape(u.syntax)}\`  ${escape(u.summary)}`));

function metricsMessage(m: Metrics): SlackMessage {
  const c = m.compliance;
  const a = m.assetpro;
  // Past days come from the nightly rollup once it has run; "(now)" figures are always real-time.
  const rolled = m.sources.rollup_days > 0;
  const t = (name: string) => (rolled ? `${name} 🐢` : name);
  const sources = rolled
    ? `🐢 ${fmtInt(m.sources.rollup_days)} day(s) from the nightly rollup (through ${m.sources.rollup_through}), ${fmtInt(m.sources.live_days)} read live`
    : 'all figures real-time';
  const amounts = (rows: Array<{ name: string; value_usdt: number; count: number }>) =>
    rows.map((r) => `${escape(r.name)}: ${fmtUsdt(r.value_usdt)} (${fmtInt(r.count)})`).join('\n') || '—';
  const levels = Object.entries(c.customers_by_risk_level).map(([k, v]) => `${RISK_BADGE[k] ?? k}: ${fmtInt(v)}`).join('\n');
  const blocks = [
    header(`Metrics ${m.range.from} to ${m.range.to}`),
    context(`${escape(m.range.label)} · GMT+8 days · ${sources}`),
    fieldsBlock('*Compliance*', [
      { name: t('New customers'), value: fmtInt(c.new_customers) },
      { name: t('KYC submitted'), value: fmtInt(c.kyc_submitted) },
      { name: t('KYC verified'), value: fmtInt(c.kyc_verified) },
      { name: t('KYC rejected'), value: fmtInt(c.kyc_rejected) },
      { name: 'Pending queue (now)', value: fmtInt(c.pending_queue) },
      { name: t('New high / very high risk'), value: `${fmtInt(c.new_high_risk)} / ${fmtInt(c.new_very_high_risk)}` },
      { name: 'Customers by risk (now)', value: levels },
    ]),
    { type: 'divider' } as Block,
    fieldsBlock('*AssetPro*', [
      { name: t('Transactions'), value: fmtInt(a.transaction_count) },
      { name: t('Value'), value: fmtUsdt(a.transaction_value_usdt) },
      { name: t('By token'), value: amounts(a.by_token.map((r) => ({ name: r.token, ...r }))) },
      { name: t('By chain'), value: amounts(a.by_chain.map((r) => ({ name: r.chain, ...r }))) },
      { name: t('By acquisition source'), value: amounts(a.by_acquisition_source.map((r) => ({ name: r.source, ...r }))) },
      { name: t('Top customers'), value: a.top_customers.map((r, i) => `${i + 1}. \`${r.unified_id}\` ${fmtUsdt(r.value_usdt)}`).join('\n') || '—' },
    ]),
  ];
  return { text: `Metrics ${m.range.from} to ${m.range.to}`, blocks: fitMessage(blocks) };
}

function topMessage(r: Extract<CommandResult, { kind: 'top' }>): SlackMessage {
  const lines = r.customers.map((c, i) => `${i + 1}. \`${c.unified_id}\`  ${fmtUsdt(c.value_usdt)}  (${fmtInt(c.count)} tx)`);
  const blocks = [
    header('Top customers by volume'),
    context(`${r.range.from} to ${r.range.to} (GMT+8) · unified IDs only, safe to share`),
    ...(lines.length ? listSections(lines) : [section('No transactions in this range.')]),
  ];
  return { text: `Top customers ${r.range.from} to ${r.range.to}`, blocks: fitMessage(blocks) };
}
