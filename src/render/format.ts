import type { Profile } from '../profile/profile.ts';
import { formatGmt8 } from '../time.ts';
import { identifierText, moreHint, preview, tagText, taskText, transactionParts, type ListName } from './lists.ts';

/** Formatting shared by the Block Kit, embed and text renderers, so the three say the same thing. */
export const fmtUsdt = (n: number) => `${enUs(n, 2, 2)} USDT`;
export const fmtInt = (n: number) => enUs(n, 0, 3);
export const fmtMoney = (n: number) => enUs(n, 0, 2);

/**
 * What `new Intl.NumberFormat('en-US', { minimumFractionDigits, maximumFractionDigits })` prints,
 * without Intl: a process's first NumberFormat starts ICU's number data, 15–25 ms of every terminal
 * lookup (a twentieth of it). Rounding is Intl's halfExpand on the number's shortest decimal form (the
 * digits `String(n)` gives), groups of three, and "-" on every negative number, -0 included. Forms
 * `String` writes with an exponent (below 1e-6, from 1e21), NaN and Infinity go to Intl itself,
 * made on first need; format.test.ts holds the two side by side.
 */
function enUs(n: number, minFrac: number, maxFrac: number): string {
  const s = String(Math.abs(n));
  if (!Number.isFinite(n) || s.includes('e')) return intlFormat(minFrac, maxFrac).format(n);
  const dot = s.indexOf('.');
  let int = dot < 0 ? s : s.slice(0, dot);
  let frac = dot < 0 ? '' : s.slice(dot + 1);
  if (frac.length > maxFrac) {
    const up = frac.charCodeAt(maxFrac) >= 53; // the first dropped digit is 5 or more
    frac = frac.slice(0, maxFrac);
    if (up) {
      const digits = `${int}${frac}`.split('');
      let i = digits.length - 1;
      for (; i >= 0 && digits[i] === '9'; i--) digits[i] = '0';
      if (i < 0) digits.unshift('1');
      else digits[i] = String(Number(digits[i]) + 1);
      int = digits.slice(0, digits.length - frac.length).join('');
      frac = digits.slice(digits.length - frac.length).join('');
    }
  }
  frac = frac.replace(/0+$/, '').padEnd(minFrac, '0');
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  return `${sign}${int.replace(/\B(?=(\d{3})+$)/g, ',')}${frac ? `.${frac}` : ''}`;
}

const intlFormats = new Map<string, Intl.NumberFormat>();
function intlFormat(minimumFractionDigits: number, maximumFractionDigits: number): Intl.NumberFormat {
  const key = `${minimumFractionDigits}:${maximumFractionDigits}`;
  let f = intlFormats.get(key);
  if (!f) intlFormats.set(key, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits, maximumFractionDigits })));
  return f;
}
export const fmtTime = (iso: string | null | undefined) => (iso ? formatGmt8(Date.parse(iso)) : '—');
export const fmtDate = (iso: string | null | undefined) => (iso ? formatGmt8(Date.parse(iso)).slice(0, 10) : '—');
export const dash = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : String(v));

export const KYC_BADGE: Record<string, string> = { unverified: '⚪ unverified', pending: '🟡 pending', verified: '🟢 verified', rejected: '🔴 rejected' };
export const RISK_BADGE: Record<string, string> = { low: '🟢 low', low_medium: '🟡 low-medium', medium: '🟠 medium', high: '🔴 high', very_high: '🚨 very high' };
/** Risk levels as people write them; the enum values (`low_medium`) are for machines. */
export const RISK_LABEL: Record<string, string> = { low: 'low', low_medium: 'low-medium', medium: 'medium', high: 'high', very_high: 'very high' };
/** Identifier types as people say them (`external_id` → external id). */
export const identifierLabel = (type: string) => type.replace(/_id$/, ' id').replace(/_/g, ' ');

export const riskText = (p: Profile) =>
  p.compliance.risk_level ? `${RISK_BADGE[p.compliance.risk_level]} (${p.compliance.risk_score})` : 'not scored';

export const SECTION_TITLES = {
  general: 'General',
  compliance: 'Compliance',
  wallets: 'Wallets',
  assetpro: 'AssetPro',
  transactions: 'Recent transactions',
  purchases: 'Purchases',
  device: 'Recent device',
} as const;

export type Field = { name: string; value: string };

/** Labels of the profile card's section buttons, the same on Slack and Discord. */
export const VIEW_LABELS = {
  card: 'Overview', general: 'General', compliance: 'Compliance', wallets: 'Wallets', assetpro: 'AssetPro', transactions: 'Transactions', purchases: 'Purchases', device: 'Device',
  tags: 'Tags', identifiers: 'Identifiers', tasks: 'KYC tasks',
} as const;
export const TURTLE_NOTE = '🐢 Purchases are refreshed daily, as of the end of the previous day (GMT+8).';
/** A section heading; the daily-refreshed section carries the 🐢. */
export const sectionHeading = (s: keyof typeof SECTION_TITLES) => `${SECTION_TITLES[s]}${s === 'purchases' ? ' 🐢' : ''}`;

type Touch = NonNullable<Profile['campaigns']['first_touch']>;
/** A campaign touch in one line: source / medium / campaign name, and its date. */
const touchText = (t: Touch) => `${[t.source, t.medium, t.name].map((x) => x ?? '—').join(' / ')}${t.term ? ` (term ${t.term})` : ''} · ${fmtDate(t.at)}`;

/**
 * A list inside a field: everything (the terminal), or with `paged` the first items that fit and a
 * pointer to the list's own pages (chat, where a field has a size limit and the list a button).
 */
function listValue(items: readonly string[], sep: string, list: ListName, paged: boolean): string {
  if (!items.length) return '—';
  if (!paged) return items.join(sep);
  const { shown, more } = preview(items);
  return more ? `${shown.join(sep)}\n${moreHint(more, list)}` : shown.join(sep);
}

/** Each profile section as labelled fields; renderers lay these out within their platform's limits. */
export function sectionFields(p: Profile, section: keyof typeof SECTION_TITLES, opts: { paged?: boolean } = {}): Field[] {
  const paged = opts.paged ?? false;
  switch (section) {
    case 'general': {
      const ids = p.identifiers.filter((i) => i.type !== 'wallet');
      return [
        { name: 'Name', value: dash(p.basic.name) },
        { name: 'Membership', value: dash(p.basic.membership_level) },
        { name: 'Platforms', value: p.basic.platforms.join(', ') || '—' },
        { name: 'Gender / age', value: `${dash(p.basic.gender)} / ${dash(p.basic.age_group)}` },
        { name: 'Tags', value: listValue(p.basic.tags.map(tagText), ', ', 'tags', paged) },
        ...(Object.keys(p.attributes).length ? [{ name: 'Attributes', value: Object.entries(p.attributes).map(([k, v]) => `${k}: ${String(v)}`).join('\n') }] : []),
        { name: 'First seen', value: fmtTime(p.activity.first_seen) },
        { name: 'Last activity', value: fmtTime(p.activity.last_activity) },
        { name: 'Lifecycle stage', value: p.activity.lifecycle_stage },
        ...(p.campaigns.first_touch ? [{ name: 'First touch', value: touchText(p.campaigns.first_touch) }, { name: 'Last touch', value: touchText(p.campaigns.last_touch!) }] : []),
        { name: 'Events / sessions', value: `${fmtInt(p.activity.events_count)} / ${fmtInt(p.activity.sessions_count)}` },
        { name: 'Identifiers', value: listValue(ids.map(identifierText), '\n', 'identifiers', paged) },
        ...(p.merged_ids.length ? [{ name: 'Merged from', value: p.merged_ids.join(', ') }] : []),
      ];
    }
    case 'compliance':
      return [
        { name: 'KYC status', value: KYC_BADGE[p.compliance.kyc_status] ?? p.compliance.kyc_status },
        { name: 'Risk', value: riskText(p) },
        { name: 'Applied', value: fmtDate(p.compliance.kyc_applied_at) },
        { name: 'Approved', value: fmtDate(p.compliance.kyc_approved_at) },
        { name: 'Form numbers', value: p.compliance.form_numbers.join(', ') || '—' },
        { name: 'Document ID', value: dash(p.compliance.document_id) },
        { name: 'KYC tasks', value: listValue(p.compliance.tasks.map(taskText), '\n', 'tasks', paged) },
      ];
    case 'wallets':
      return p.wallets.map((w) => ({ name: w.chain, value: w.address }));
    case 'transactions':
      // Plain text (the terminal's); chat renderers lay out their own lines with links.
      return p.assetpro.recent_transactions.map((t) => {
        const { head, link, tail } = transactionParts(t);
        const what = head.slice(head.indexOf(' · ') + 3).replace(/ · $/, '');
        return { name: fmtTime(t.at), value: [what, link ? t.tx_hash! : tail, ...(link ? [link.url] : [])].join('\n') };
      });
    case 'assetpro': {
      const a = p.assetpro;
      return [
        { name: 'Transactions', value: fmtInt(a.transaction_count) },
        { name: 'Value', value: fmtUsdt(a.transaction_value_usdt) },
        { name: 'By token', value: a.by_token.map((t) => `${t.token}: ${fmtUsdt(t.value_usdt)} (${t.count})`).join('\n') || '—' },
        { name: 'By chain', value: a.by_chain.map((t) => `${t.chain}: ${fmtUsdt(t.value_usdt)} (${t.count})`).join('\n') || '—' },
        { name: 'First transaction', value: fmtTime(a.first_transaction_at) },
        { name: 'Last transaction', value: fmtTime(a.last_transaction_at) },
      ];
    }
    case 'purchases': {
      const s = p.purchases;
      if (!s.count) return [{ name: `As of ${s.as_of}`, value: 'No purchases yet' }];
      const money = (n: number) => `${fmtMoney(n)} ${s.currency}`;
      const win = (k: string) => {
        const w = (s.windows as Record<string, { count: number; amount: number; average: number }>)[k]!;
        return `${w.count} orders, ${money(w.amount)}, avg ${money(w.average)}`;
      };
      return [
        { name: `Total (as of ${s.as_of})`, value: `${s.count} orders, ${money(s.amount)}` },
        { name: 'Last 3 months', value: win('3m') },
        { name: 'Last 6 months', value: win('6m') },
        { name: 'Last 12 months', value: win('12m') },
        { name: 'Busiest day / hour', value: `${dash(s.top_weekday)} / ${s.top_hour === null ? '—' : `${String(s.top_hour).padStart(2, '0')}:00`} GMT+8` },
        { name: 'First / last purchase', value: `${fmtDate(s.first_purchase_at)} / ${fmtDate(s.last_purchase_at)}` },
        { name: 'Top categories', value: s.top_categories.map((c, i) => `${i + 1}. ${c.name} (${c.quantity})`).join('\n') || '—' },
        { name: 'Top items', value: s.top_items.map((c, i) => `${i + 1}. ${c.name} (${c.quantity})`).join('\n') || '—' },
      ];
    }
    case 'device': {
      const d = p.device;
      if (!d) return [{ name: 'Device', value: 'No device seen yet' }];
      return [
        { name: 'Device ID', value: d.device_id },
        { name: 'Model', value: dash(d.model) },
        { name: 'OS / browser', value: `${dash(d.os)} / ${dash(d.browser)}` },
        { name: 'App library', value: dash(d.library_version) },
        { name: 'Place', value: [d.city, d.country].filter(Boolean).join(', ') || '—' },
        { name: 'Language / timezone', value: `${dash(d.language)} / ${dash(d.timezone)}` },
        { name: 'Last seen', value: fmtTime(d.last_seen) },
      ];
    }
  }
}
