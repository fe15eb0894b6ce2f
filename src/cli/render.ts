import type { CommandResult } from '../../commands/types.ts';
import type { Digest } from '../digest/model.ts';
import type { Metrics } from '../../commands/types.ts';
import { findText } from './find-text.ts';
import { digestLines } from '../render/digest.ts';
import { fmtInt, fmtUsdt, KYC_BADGE, riskText, SECTION_TITLES, sectionFields, type Field } from '../render/format.ts';

const fieldLines = (fields: Field[]) =>
  fields.flatMap((f) => {
    const [first, ...rest] = f.value.split('\n');
    return [`  ${f.name.padEnd(20)} ${first}`, ...rest.map((r) => `  ${''.padEnd(20)} ${r}`)];
  });

/** The terminal renderer: plain text, every section at once (a terminal has room and no buttons). */
export function renderText(r: CommandResult): string {
  switch (r.kind) {
    case 'profile': {
      const p = r.profile;
      const head = `${p.basic.name ?? p.unified_id}  ${p.unified_id}  ${KYC_BADGE[p.compliance.kyc_status]}  risk ${riskText(p)}${r.masked ? '  (personal data masked)' : ''}`;
      const sections = r.section === 'card' ? (Object.keys(SECTION_TITLES) as (keyof typeof SECTION_TITLES)[]) : [r.section];
      const body = sections.map((s) => {
        const fields = sectionFields(p, s);
        const links = s === 'wallets' ? p.wallets.map((w) => ({ name: w.chain, value: `${w.address}${w.explorer_url ? `  ${w.explorer_url}` : ''}` })) : fields;
        return [`${SECTION_TITLES[s]}`, ...(links.length ? fieldLines(links) : ['  —'])].join('\n');
      });
      return [head, '', ...body.flatMap((b) => [b, ''])].join('\n').trimEnd();
    }
    case 'not_found':
      return r.message;
    case 'metrics':
      return renderMetrics(r.metrics);
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
      return [r.alert.title, ...r.alert.lines.map((l) => `  ${l.label}: ${l.value}`), ...(r.alert.acknowledged ? [`  Acknowledged by ${r.alert.acknowledged.by} at ${r.alert.acknowledged.at}`] : [])].join('\n');
    case 'notice':
      return [r.title, ...r.lines.map((l) => `  ${l}`)].join('\n');
    case 'find':
      return findText(r);
  }
}

function renderMetrics(m: Metrics): string {
  const c = m.compliance;
  const a = m.assetpro;
  const levels = Object.entries(c.customers_by_risk_level).map(([k, v]) => `${k} ${fmtInt(v)}`).join(', ');
  return [
    `Metrics ${m.range.from} to ${m.range.to} (GMT+8 days)`,
    'Compliance',
    `  New customers        ${fmtInt(c.new_customers)}`,
    `  KYC submitted        ${fmtInt(c.kyc_submitted)}   verified ${fmtInt(c.kyc_verified)}   rejected ${fmtInt(c.kyc_rejected)}`,
    `  Pending queue (now)  ${fmtInt(c.pending_queue)}`,
    `  Risk levels (now)    ${levels}`,
    `  New high / very high ${fmtInt(c.new_high_risk)} / ${fmtInt(c.new_very_high_risk)}`,
    'AssetPro',
    `  Transactions         ${fmtInt(a.transaction_count)}   ${fmtUsdt(a.transaction_value_usdt)}`,
    `  By token             ${a.by_token.map((t) => `${t.token} ${fmtUsdt(t.value_usdt)}`).join(', ') || '—'}`,
    `  By chain             ${a.by_chain.map((t) => `${t.chain} ${fmtUsdt(t.value_usdt)}`).join(', ') || '—'}`,
    `  Top customers        ${a.top_customers.map((t) => `${t.unified_id} ${fmtUsdt(t.value_usdt)}`).join(', ') || '—'}`,
  ].join('\n');
}

export function digestText(d: Digest): string {
  const { title, sections } = digestLines(d);
  return [title, ...sections.flatMap((s) => ['', s.name, ...s.lines.map((l) => `  ${l}`)])].join('\n');
}
