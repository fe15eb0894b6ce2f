import { KYC_STATUSES, LIFECYCLE_STAGES, RISK_LEVELS, type KycStatus, type LifecycleStage } from '../db/schema/constants.ts';
import { WALLET_CHAINS, type WalletChain } from '../src/identity/normalize.ts';

/**
 * The one `find` grammar of SPEC §8, parsed here for Slack, Discord, the terminal and
 * `GET /v1/profiles?q=`: words (prefixes over names and identifiers) and `name:value` filters.
 */
export type { AudienceQuery, Comparison, Filter, VolumeWindow } from '../src/audience/query.ts';
import type { AudienceQuery, Comparison, Filter } from '../src/audience/query.ts';

export class QueryError extends Error {}

const MAX_WORDS = 10;
const MAX_FILTERS = 20;
const UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Usage per filter: the one line a malformed filter is answered with. */
export const FILTER_USAGE: Record<string, string> = {
  kyc: `kyc:<status> with status ${KYC_STATUSES.join(', ')}`,
  risk: `risk:<level> or risk:>=<level> with level ${RISK_LEVELS.join(', ')}`,
  tag: 'tag:<tag>, like tag:vip',
  segment: 'segment:<name>, a saved segment (segment list)',
  chain: `chain:<chain> with chain ${WALLET_CHAINS.join(', ')}`,
  volume: 'volume:>N (30-day USDT), also >=, <, <=; like volume:>1000',
  volume7d: 'volume7d:>N (7-day USDT)',
  volume_all: 'volume_all:>N (all-time USDT)',
  networth: 'networth:>N (on-chain net worth in USDT, as the profile shows it), also >=, <, <=',
  seen: 'seen:<7d (active within) or seen:>30d (not since); units h, d, w',
  country: 'country:<CC>, a two-letter country code like country:TW',
  stage: `stage:<stage> with stage ${LIFECYCLE_STAGES.join(', ')}`,
  attr: 'attr.<key>:<value>, like attr.company:Acme (key: a-z, 0-9, _)',
  campaign: 'campaign:any (any campaign touch) or campaign:<source>, like campaign:google',
  txns: 'txns:N or txns:>N (transactions in 30 days), also >=, <, <=; txns:0 is none',
};
export const FIND_USAGE = `find [words] [filters]: ${Object.values(FILTER_USAGE).join(' · ')}`;

const bad = (name: string, got: string) => new QueryError(`"${name}:${got}" is not a valid ${name.startsWith('attr.') ? 'attr' : name} filter; use ${FILTER_USAGE[name] ?? FILTER_USAGE.attr}`);

/** A decimal USDT amount to integer micros, without floating-point drift for ordinary amounts. */
function usdtMicros(s: string): number | undefined {
  if (!/^\d{1,15}(\.\d{1,6})?$/.test(s)) return undefined;
  const [whole, frac = ''] = s.split('.');
  return Number(whole) * 1e6 + Number(frac.padEnd(6, '0'));
}

function comparison(value: string): { op: Comparison; rest: string } | undefined {
  const m = /^(>=|<=|>|<)(.+)$/.exec(value);
  return m ? { op: m[1] as Comparison, rest: m[2]! } : undefined;
}

/** Slack wraps emails and phone numbers in links: `<mailto:a@b.co|a@b.co>` is the word a@b.co. */
function unwrap(word: string): string {
  const m = /^<(?:mailto:|tel:)?[^|>]*\|([^>]+)>$/.exec(word) ?? /^<(?:mailto:|tel:)([^|>]+)>$/.exec(word);
  return m ? m[1]! : word;
}

function parseFilter(name: string, value: string): Filter {
  const v = value.trim();
  if (!v) throw bad(name, value);
  if (name.startsWith('attr.')) {
    const key = name.slice(5);
    if (!/^[a-z0-9_]{1,40}$/.test(key) || v.length > 200) throw bad(name, value);
    return { kind: 'attr', key, value: v };
  }
  switch (name) {
    case 'kyc': {
      const status = v.toLowerCase() as KycStatus;
      if (!KYC_STATUSES.includes(status)) throw bad(name, value);
      return { kind: 'kyc', status };
    }
    case 'risk': {
      const c = comparison(v);
      const level = (c ? c.rest : v).toLowerCase().replace(/-/g, '_');
      const rank = RISK_LEVELS.indexOf(level as never);
      if (rank < 0) throw bad(name, value);
      const top = RISK_LEVELS.length - 1;
      const [min, max] = !c ? [rank, rank] : c.op === '>=' ? [rank, top] : c.op === '>' ? [rank + 1, top] : c.op === '<=' ? [0, rank] : [0, rank - 1];
      return { kind: 'risk', min, max };
    }
    case 'tag':
      if (v.length > 80) throw bad(name, value);
      return { kind: 'tag', tag: v };
    case 'segment':
      if (!/^[a-z0-9][a-z0-9_-]{0,39}$/i.test(v)) throw bad(name, value);
      return { kind: 'segment', name: v.toLowerCase() };
    case 'chain': {
      const chain = v.toLowerCase() as WalletChain;
      if (!WALLET_CHAINS.includes(chain)) throw bad(name, value);
      return { kind: 'chain', chain };
    }
    case 'volume':
    case 'volume7d':
    case 'volume_all': {
      const c = comparison(v);
      const micros = c && usdtMicros(c.rest);
      if (!c || micros === undefined) throw bad(name, value);
      return { kind: 'volume', window: name === 'volume' ? '30d' : name === 'volume7d' ? '7d' : 'all', op: c.op, micros };
    }
    case 'networth': {
      const c = comparison(v);
      const micros = c && usdtMicros(c.rest);
      if (!c || micros === undefined) throw bad(name, value);
      return { kind: 'networth', op: c.op, micros };
    }
    case 'seen': {
      const m = /^([<>])(\d{1,5})([hdw])$/.exec(v.toLowerCase());
      if (!m) throw bad(name, value);
      return { kind: 'seen', op: m[1] as '<' | '>', ms: Number(m[2]) * UNITS[m[3]!]! };
    }
    case 'country':
      if (!/^[a-z]{2}$/i.test(v)) throw bad(name, value);
      return { kind: 'country', country: v.toUpperCase() };
    case 'stage': {
      const stage = v.toLowerCase() as LifecycleStage;
      if (!LIFECYCLE_STAGES.includes(stage)) throw bad(name, value);
      return { kind: 'stage', stage };
    }
    case 'campaign':
      if (v.length > 200) throw bad(name, value);
      return { kind: 'campaign', source: v.toLowerCase() === 'any' ? null : v.toLowerCase() };
    case 'txns': {
      const c = comparison(v);
      const n = c ? c.rest : v;
      if (!/^\d{1,9}$/.test(n)) throw bad(name, value);
      return { kind: 'txns', op: c ? c.op : '=', count: Number(n) };
    }
    default:
      throw new QueryError(`"${name}:" is not a find filter; filters are ${Object.keys(FILTER_USAGE).map((k) => (k === 'attr' ? 'attr.<key>' : k)).join(', ')}`);
  }
}

function filterText(f: Filter): string {
  const amount = (m: number) => String(m / 1e6);
  switch (f.kind) {
    case 'kyc': return `kyc:${f.status}`;
    case 'risk': return f.min === f.max ? `risk:${RISK_LEVELS[f.min]}` : f.max === RISK_LEVELS.length - 1 ? `risk:>=${RISK_LEVELS[f.min]}` : `risk:<=${RISK_LEVELS[f.max]}`;
    case 'tag': return `tag:${f.tag}`;
    case 'segment': return `segment:${f.name}`;
    case 'chain': return `chain:${f.chain}`;
    case 'volume': return `${f.window === '30d' ? 'volume' : f.window === '7d' ? 'volume7d' : 'volume_all'}:${f.op}${amount(f.micros)}`;
    case 'networth': return `networth:${f.op}${amount(f.micros)}`;
    case 'seen': return `seen:${f.op}${f.ms % UNITS.d! === 0 ? `${f.ms / UNITS.d!}d` : `${f.ms / UNITS.h!}h`}`;
    case 'country': return `country:${f.country}`;
    case 'stage': return `stage:${f.stage}`;
    case 'attr': return `attr.${f.key}:${f.value}`;
    case 'campaign': return `campaign:${f.source ?? 'any'}`;
    case 'txns': return `txns:${f.op === '=' ? '' : f.op}${f.count}`;
  }
}

/** Parses the words after `find`; throws QueryError naming what is wrong. */
export function parseFindQuery(words: readonly string[]): AudienceQuery {
  const out: AudienceQuery = { words: [], filters: [], text: '' };
  for (const raw of words) {
    const word = unwrap(raw.trim());
    if (!word) continue;
    const m = /^([a-z][a-z0-9_]*(?:\.[^:\s]*)?):(.*)$/is.exec(word);
    if (m && !/^https?$/i.test(m[1]!)) {
      // Attribute keys keep their case so `attr.Company:` is refused like the key would be at ingest.
      const name = /^attr\./i.test(m[1]!) ? `attr.${m[1]!.slice(5)}` : m[1]!.toLowerCase();
      out.filters.push(parseFilter(name, m[2]!));
      continue;
    }
    if (word.length > 200) throw new QueryError(`the word "${word.slice(0, 20)}…" is too long; words are prefixes of at most 200 characters`);
    out.words.push(word);
  }
  if (out.words.length > MAX_WORDS) throw new QueryError(`find takes at most ${MAX_WORDS} words`);
  if (out.filters.length > MAX_FILTERS) throw new QueryError(`find takes at most ${MAX_FILTERS} filters`);
  const quote = (w: string) => (/\s/.test(w) ? `"${w}"` : w);
  out.text = [...out.words.map(quote), ...out.filters.map(filterText)].join(' ');
  return out;
}
