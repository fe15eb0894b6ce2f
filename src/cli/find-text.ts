import type { FindResult } from '../../commands/find.ts';
import type { AudienceRow } from '../audience/rows.ts';
import { fmtUsdt, KYC_BADGE, RISK_BADGE } from '../render/format.ts';

/** The Audience list for a terminal: one block per customer, the page and total on top. */
export function findText(r: FindResult): string {
  const last = Math.min(r.offset + r.rows.length, r.total);
  const head = r.total
    ? `${r.total} customer(s) for "${r.query || '(everyone)'}", ${r.offset + 1}–${last}, by 30-day volume${r.masked ? '  (personal data masked)' : ''}`
    : `No customers match "${r.query || '(everyone)'}".`;
  const lines = r.rows.map((c, i) => `${String(r.offset + i + 1).padStart(4)}. ${rowText(c)}`);
  const more = r.nextCursor ? [`Next page: --cursor ${r.nextCursor}`] : [];
  return [head, ...r.notes, ...lines, ...more].join('\n');
}

function rowText(c: AudienceRow): string {
  const who = [c.name ?? '(no name)', c.unified_id].join('  ');
  const contact = [c.email, c.phone, c.wallet && `${c.wallet.chain} ${c.wallet.address}`].filter(Boolean).join(' · ');
  const compliance = [KYC_BADGE[c.kyc_status], c.risk_level ? `risk ${RISK_BADGE[c.risk_level]}` : null, c.form_number ? `form ${c.form_number}` : null].filter(Boolean).join('  ');
  return `${who}\n        ${contact || '—'}\n        ${compliance}  ${c.stage}  30d ${fmtUsdt(c.volume_30d_usdt)}`;
}

/** CSV of the rows as shown (masked for a viewer), RFC 4180 quoting; cells that a spreadsheet would run as a formula are prefixed. */
export function findCsv(rows: AudienceRow[]): string {
  const cols = ['unified_id', 'name', 'email', 'phone', 'wallet_chain', 'wallet_address', 'external_id', 'kyc_status', 'risk_level', 'form_number', 'country', 'stage', 'volume_30d_usdt', 'net_worth_usdt'] as const;
  const cell = (v: unknown) => {
    let s = v == null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const line = (c: AudienceRow) => [c.unified_id, c.name, c.email, c.phone, c.wallet?.chain, c.wallet?.address, c.external_id, c.kyc_status, c.risk_level, c.form_number, c.country, c.stage, c.volume_30d_usdt, c.net_worth_usdt].map(cell).join(',');
  return [cols.join(','), ...rows.map(line)].join('\n');
}
