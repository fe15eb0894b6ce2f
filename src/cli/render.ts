import type { ConflictsResult } from '../../commands/conflicts.ts';
import type { CommandResult } from '../../commands/types.ts';
import type { Digest } from '../../commands/types.ts';
import type { Metrics } from '../../commands/types.ts';
import { findText } from './find-text.ts';
import { onchainText, walletText } from './onchain-text.ts';
import { listText, moreTransactions, refusedText } from './list-text.ts';
import { digestLines } from '../render/digest.ts';
import { fmtInt, fmtUsdt, KYC_BADGE, RISK_LABEL, riskText, SECTION_TITLES, sectionFields, type Field } from '../render/format.ts';

export interface TextOptions {
  /** Columns to fit; long values wrap under their own column instead of running on. */
  width?: number;
}

const DEFAULT_WIDTH = 100;
/** Labels longer than this still get their own line rather than pushing every value to the right. */
const MAX_LABEL = 28;

/**
 * Breaks `text` into lines of at most `width` characters, at ", " or spaces where it can; a word longer
 * than the line (a wallet address, a URL) is kept whole: cutting it would make it uncopyable.
 */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/(?<=, )|(?<= )/)) {
    if (line && line.length + word.trimEnd().length > width) {
      out.push(line.trimEnd());
      line = '';
    }
    line += word;
  }
  if (line.trim()) out.push(line.trimEnd());
  return out;
}

/** Label and value columns; the label column is as wide as the longest label (up to MAX_LABEL). */
export function fieldLines(fields: Field[], width = DEFAULT_WIDTH, indent = '  '): string[] {
  const labelWidth = Math.min(MAX_LABEL, Math.max(0, ...fields.map((f) => f.name.length)));
  const pad = ''.padEnd(labelWidth);
  const valueWidth = Math.max(20, width - indent.length - labelWidth - 1);
  return fields.flatMap((f) => {
    const values = f.value.split('\n').flatMap((v) => wrap(v, valueWidth));
    const head = f.name.length > labelWidth ? [`${indent}${f.name}`] : [];
    const first = head.length ? pad : f.name.padEnd(labelWidth);
    return [...head, ...values.map((v, i) => `${indent}${i === 0 ? first : pad} ${v}`.trimEnd())];
  });
}

/** The terminal renderer: plain text, every section at once (a terminal has room and no buttons). */
export function renderText(r: CommandResult, opts: TextOptions = {}): string {
  const width = opts.width ?? DEFAULT_WIDTH;
  switch (r.kind) {
    case 'profile': {
      const p = r.profile;
      const head = `${p.basic.name ?? p.unified_id}  ${p.unified_id}  ${KYC_BADGE[p.compliance.kyc_status]}  risk ${riskText(p)}${r.masked ? '  (personal data masked)' : ''}`;
      const sections = r.section === 'card' ? (Object.keys(SECTION_TITLES) as (keyof typeof SECTION_TITLES)[]) : [r.section];
      const body = sections.map((s) => {
        const fields = s === 'wallets' ? p.wallets.map((w) => ({ name: w.chain, value: `${w.address}${w.explorer_url ? `\n${w.explorer_url}` : ''}` })) : sectionFields(p, s);
        return [`${SECTION_TITLES[s]}`, ...(fields.length ? fieldLines(fields, width) : ['  —']), ...(s === 'transactions' ? moreTransactions(p) : [])].join('\n');
      });
      const chain = onchainText(p, r.onchain, r.section, width);
      if (chain.length) body.push(chain.join('\n'));
      return [head, ...refusedText(p), '', ...body.flatMap((b) => [b, ''])].join('\n').trimEnd();
    }
    case 'wallet':
      return walletText(r.wallet, r.masked, width);
    case 'not_found':
      return r.message;
    case 'metrics':
      return renderMetrics(r.metrics, width);
    case 'top':
      return [
        `Top customers by volume, ${r.range.from} to ${r.range.to} (GMT+8)`,
        ...(r.customers.length ? r.customers.map((c, i) => `${String(i + 1).padStart(3)}. ${c.unified_id}  ${fmtUsdt(c.value_usdt)}  (${fmtInt(c.count)} tx)`) : ['  no transactions in this range']),
      ].join('\n');
    case 'help':
      return ['Usage: /user360 <subcommand>', ...r.usage.map((u) => `  ${u.syntax.padEnd(48)} ${u.summary}`)].join('\n');
    case 'usage_error':
      return [r.message, ...(r.usage.length ? ['', 'Usage:', ...r.usage.map((u) => `  ${u.syntax}`)] : [])].join('\n');
    case 'digest':
      return digestText(r.digest);
    case 'alert':
      return alertText(r);
    case 'notice':
      return [r.title, ...r.lines.flatMap((l) => wrap(l, width - 2).map((w) => `  ${w}`))].join('\n');
    case 'find':
      return findText(r);
    case 'conflicts':
      return conflictsText(r);
    case 'profile_list':
      return listText(r);
  }
}

function alertText(r: Extract<CommandResult, { kind: 'alert' }>): string {
  const a = r.alert;
  return [
    ...(r.refused ? [r.refused, ''] : []),
    `#${a.id} ${a.title}`,
    ...a.lines.map((l) => `  ${l.label}: ${l.value}`),
    ...(a.acknowledged ? [`  Acknowledged by ${a.acknowledged.by} at ${a.acknowledged.at}`] : []),
    ...(a.claimed ? [`  Claimed by ${a.claimed.by} at ${a.claimed.at}`] : []),
    ...(a.resolved ? [`  Resolved by ${a.resolved.by} at ${a.resolved.at}: ${a.resolved.note}`] : []),
    ...(a.snoozed ? [`  Snoozed by ${a.snoozed.by} until ${a.snoozed.until}`] : []),
  ].join('\n');
}

function conflictsText(r: ConflictsResult): string {
  const rows = r.rows.map((c) => {
    const done = c.resolution ? `\n    ${c.resolution.decision} by ${c.resolution.by} at ${c.resolution.at}${c.resolution.note ? `: ${c.resolution.note}` : ''}` : '';
    return `#${c.id} ${c.at}  ${c.label}  ${c.customerIds.join(' / ')}${c.identifier ? `  ${c.identifier}` : ''}\n    ${c.detail}${c.record ? ` (record ${c.record})` : ''}${done}`;
  });
  return [
    ...(r.outcome ? [r.outcome.text, ...(rows.length ? [''] : [])] : []),
    ...(rows.length ? rows : r.outcome ? [] : ['No identity conflicts to review.']),
  ].join('\n');
}

function renderMetrics(m: Metrics, width: number): string {
  const c = m.compliance;
  const a = m.assetpro;
  const levels = Object.entries(c.customers_by_risk_level).map(([k, v]) => `${RISK_LABEL[k] ?? k} ${fmtInt(v)}`).join(', ');
  const list = (rows: string[]) => rows.join('\n') || '—';
  return [
    `Metrics ${m.range.from} to ${m.range.to} (GMT+8 days)`,
    'Compliance',
    ...fieldLines([
      { name: 'New customers', value: fmtInt(c.new_customers) },
      { name: 'KYC submitted', value: `${fmtInt(c.kyc_submitted)}   verified ${fmtInt(c.kyc_verified)}   rejected ${fmtInt(c.kyc_rejected)}` },
      { name: 'Pending queue (now)', value: fmtInt(c.pending_queue) },
      { name: 'Risk levels (now)', value: levels },
      { name: 'New high / very high', value: `${fmtInt(c.new_high_risk)} / ${fmtInt(c.new_very_high_risk)}` },
    ], width),
    'AssetPro',
    ...fieldLines([
      { name: 'Transactions', value: `${fmtInt(a.transaction_count)}   ${fmtUsdt(a.transaction_value_usdt)}` },
      { name: 'By token', value: list(a.by_token.map((t) => `${t.token} ${fmtUsdt(t.value_usdt)}`)) },
      { name: 'By chain', value: list(a.by_chain.map((t) => `${t.chain} ${fmtUsdt(t.value_usdt)}`)) },
      { name: 'By acquisition source', value: list(a.by_acquisition_source.map((t) => `${t.source} ${fmtUsdt(t.value_usdt)}`)) },
      { name: 'Top customers', value: list(a.top_customers.map((t) => `${t.unified_id} ${fmtUsdt(t.value_usdt)}`)) },
    ], width),
  ].join('\n');
}

export function digestText(d: Digest): string {
  const { title, sections } = digestLines(d);
  return [title, ...sections.flatMap((s) => ['', s.name, ...s.lines.map((l) => `  ${l}`)])].join('\n');
}
