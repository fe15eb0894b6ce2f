import { sql, type SQL } from 'drizzle-orm';
import type { Queryable, Store } from '../../db/client.ts';
import { PERSONAL_SEARCH_FIELDS, SEARCH_FIELDS } from '../../db/schema/constants.ts';
import { attributes, audience, campaignTouches, customers, labels, searchTerms, segmentMembers, segments, transactions, wallets } from '../../db/schema/index.ts';
import { names, sqlNames } from '../../db/sql-names.ts';
import type { AudienceQuery, Filter, VolumeWindow } from './query.ts';
import { addDays, DAY_MS, gmt8Day, gmt8DayStart } from '../time.ts';
import { fold } from './index-rows.ts';
import { topByVolume30 } from './rank.ts';

/**
 * Runs a parsed `find` query: the filters that have an index narrow the unified customers in one
 * statement, then the 30-day volume of just those customers orders them (SPEC §8: by 30-day volume,
 * then unified id). Volume filters apply to the exact sums, so no rollup lag can let a customer in.
 */

export interface Ranked {
  rootId: string;
  micros: number;
}

/** Reads: `db` for the statements built per query, `read` (prepared once) for the fixed hot one. */
export type SearchReader = { db: Queryable; read: Store['read'] };
// Names from the drizzle tables (db/sql-names.ts): text for the fixed statement, fragments for `sql`.
const [C, T] = [names(customers), names(transactions)];
const PER_ROOT_VOLUME = `
  SELECT c.${C.rootId} AS id, total(t.${T.usdtMicros}) AS m, count(*) AS n FROM json_each(?) r JOIN ${C.$} c ON c.${C.rootId} = r.value
  CROSS JOIN ${T.$} t ON t.${T.customerId} = c.${C.id} WHERE t.${T.at} >= ? GROUP BY c.${C.rootId}`;
const [a, c, s, l, w, at, m, g, ct, t] = [
  sqlNames(audience), sqlNames(customers), sqlNames(searchTerms), sqlNames(labels), sqlNames(wallets),
  sqlNames(attributes), sqlNames(segmentMembers), sqlNames(segments), sqlNames(campaignTouches), sqlNames(transactions),
];
const MAX_CODEPOINT = String.fromCodePoint(0x10ffff);
const STAGE_DAYS = { fresh: 30, dormant: 90 };

const PUBLIC_FIELDS = SEARCH_FIELDS.filter((f) => !PERSONAL_SEARCH_FIELDS.includes(f));
const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);

/** A phone number in any spelling: `+886 912-345 678`, `0912 345 678` → its digits. */
export const phoneDigits = (word: string) => (/^\+?[\d\s\-().]+$/.test(word) && (word.match(/\d/g)?.length ?? 0) >= 3 ? word.replace(/\D/g, '') : undefined);

/** The unified customers one word matches: a range of the term index, which holds each term's root. */
function wordRoots(word: string, personal: boolean): SQL {
  const w = fold(word);
  const fields = personal ? SEARCH_FIELDS.filter((f) => f !== 'phone') : PUBLIC_FIELDS;
  const digits = personal ? phoneDigits(word) : undefined;
  const range = (x: string) => sql`s.${s.term} >= ${x} AND s.${s.term} < ${x + MAX_CODEPOINT}`;
  const phone = digits ? sql` UNION SELECT s.${s.rootId} FROM ${s.$} s WHERE ${range(digits)} AND s.${s.field} = 'phone'` : sql``;
  return sql`SELECT ${s.rootId} FROM (SELECT s.${s.rootId} FROM ${s.$} s WHERE ${range(w)} AND s.${s.field} IN (${list(fields)})${phone})`;
}

function filterCondition(f: Filter, now: number): SQL | undefined {
  const ago = (ms: number) => now - ms;
  switch (f.kind) {
    case 'kyc': return sql`a.${a.kycStatus} = ${f.status}`;
    case 'risk': return f.min === f.max ? sql`a.${a.riskRank} = ${f.min}` : sql`a.${a.riskRank} BETWEEN ${f.min} AND ${f.max}`;
    case 'country': return sql`a.${a.country} = ${f.country}`;
    case 'seen': return f.op === '<' ? sql`a.${a.lastActivityAt} >= ${ago(f.ms)}` : sql`a.${a.lastActivityAt} < ${ago(f.ms)}`;
    case 'stage': {
      const fresh = ago(STAGE_DAYS.fresh * DAY_MS);
      const dormant = ago(STAGE_DAYS.dormant * DAY_MS);
      if (f.stage === 'new') return sql`a.${a.firstSeenAt} >= ${fresh}`;
      if (f.stage === 'active') return sql`a.${a.firstSeenAt} < ${fresh} AND a.${a.lastActivityAt} >= ${fresh}`;
      if (f.stage === 'dormant') return sql`a.${a.firstSeenAt} < ${fresh} AND a.${a.lastActivityAt} < ${fresh} AND a.${a.lastActivityAt} >= ${dormant}`;
      return sql`a.${a.firstSeenAt} < ${fresh} AND a.${a.lastActivityAt} < ${dormant}`;
    }
    case 'tag': return sql`a.${a.rootId} IN (SELECT l.${l.rootId} FROM ${l.$} l WHERE l.${l.kind} = 'tag' AND l.${l.value} IN (${list([...new Set([f.tag, f.tag.toLowerCase()])])}))`;
    case 'chain': return sql`a.${a.rootId} IN (SELECT c.${c.rootId} FROM ${w.$} w JOIN ${c.$} c ON c.${c.id} = w.${w.customerId} WHERE w.${w.chain} = ${f.chain})`;
    case 'attr': return sql`a.${a.rootId} IN (SELECT c.${c.rootId} FROM ${at.$} t JOIN ${c.$} c ON c.${c.id} = t.${at.customerId} WHERE t.${at.key} = ${f.key} AND t.${at.match} = ${fold(f.value)})`;
    case 'segment': return sql`a.${a.rootId} IN (SELECT m.${m.rootId} FROM ${m.$} m JOIN ${g.$} g ON g.${g.id} = m.${m.segmentId} WHERE g.${g.name} = ${f.name})`;
    case 'campaign': return f.source === null
      ? sql`a.${a.rootId} IN (SELECT c.${c.rootId} FROM ${ct.$} t JOIN ${c.$} c ON c.${c.id} = t.${ct.customerId})`
      : sql`a.${a.rootId} IN (SELECT c.${c.rootId} FROM ${ct.$} t JOIN ${c.$} c ON c.${c.id} = t.${ct.customerId} WHERE t.${ct.source} = ${f.source})`;
    // The stored figure is the profile's (cents); NULL (nothing priced) fails every comparison.
    case 'networth': {
      const n = sql`a.${a.netWorthMicros}`;
      return f.op === '>' ? sql`${n} > ${f.micros}` : f.op === '>=' ? sql`${n} >= ${f.micros}` : f.op === '<' ? sql`${n} < ${f.micros}` : sql`${n} <= ${f.micros}`;
    }
    case 'volume':
    case 'txns': return undefined;
  }
}

/** Epoch ms the window starts at: whole GMT+8 days ending today, as `metrics 30d` counts them. */
export function windowStart(window: VolumeWindow, now: number): number {
  if (window === 'all') return 0;
  return gmt8DayStart(addDays(gmt8Day(now), window === '30d' ? -29 : -6));
}

/**
 * Exact USDT micros per unified customer over a window, for the given roots (or every root). Per root
 * it is a range of the (customer_id, at, usdt_micros) index — entries only, no table rows — which beat
 * one pass over the window's transactions even for a third of the customers.
 */
export async function volumes(r: SearchReader, window: VolumeWindow, now: number, roots: string[] | 'all', counts?: Map<string, number>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const since = windowStart(window, now);
  if (roots === 'all') {
    const day = window === 'all' ? '0000-00-00' : gmt8Day(since);
    const rows = await r.db.all<{ id: string; m: number }>(sql`
      SELECT c.${c.rootId} AS id, total(t.${t.usdtMicros}) AS m FROM ${t.$} t JOIN ${c.$} c ON c.${c.id} = t.${t.customerId} WHERE t.${t.day} >= ${day} GROUP BY c.${c.rootId}`);
    for (const x of rows) out.set(x.id, Number(x.m));
    return out;
  }
  for (let i = 0; i < roots.length; i += 500) {
    // CROSS JOIN keeps the order: root → its customers → their transactions by (customer_id, at).
    const rows = await r.read(PER_ROOT_VOLUME, [JSON.stringify(roots.slice(i, i + 500)), since]);
    for (const x of rows) {
      out.set(String(x.id), Number(x.m));
      counts?.set(String(x.id), Number(x.n));
    }
  }
  return out;
}

const compare = (op: string, a: number, b: number) => (op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b);

/** The unified customers matching `q`'s words and indexed filters (volume and `txns` filters not applied yet), unordered. */
async function matchRoots(r: SearchReader, q: AudienceQuery, opts: { now: number; personal: boolean }): Promise<string[]> {
  // Several words: the customers every one of them matches.
  const words = q.words.length ? sql.join(q.words.map((w) => wordRoots(w, opts.personal)), sql` INTERSECT `) : undefined;
  const conds = q.filters.map((f) => filterCondition(f, opts.now)).filter((c): c is SQL => !!c);
  // Words alone need no audience row: each root in the term index has one (both are written in the
  // same transaction), and probing it for 45,000 matches of `ali` at 1M customers cost as much again.
  let roots: SQL;
  if (words && !conds.length) roots = sql`SELECT DISTINCT ${s.rootId} AS id FROM (${words})`;
  else {
    if (words) conds.unshift(sql`a.${a.rootId} IN (${words})`);
    roots = sql`SELECT a.${a.rootId} AS id FROM ${a.$} a${conds.length ? sql` WHERE ${sql.join(conds, sql` AND `)}` : sql``}`;
  }
  // One row holding every id as a JSON array: handing 45,000 rows to JS one by one took longer than finding them.
  const [row] = await r.db.all<{ ids: string }>(sql`SELECT json_group_array(id) AS ids FROM (${roots})`);
  return JSON.parse(row!.ids) as string[];
}

/** Every unified customer matching `q`, in result order. `personal`: whether words may match names, emails, phones. */
export async function searchAudience(r: SearchReader, q: AudienceQuery, opts: { now: number; personal: boolean }): Promise<Ranked[]> {
  return rankAll(r, q, await matchRoots(r, q, opts), opts.now);
}

/** Sums every member's 30-day volume (and the windows its volume filters name), filters, and sorts. */
async function rankAll(r: SearchReader, q: AudienceQuery, roots: string[], now: number): Promise<Ranked[]> {
  const txns30 = new Map<string, number>();
  const vol30 = await volumes(r, '30d', now, roots, txns30);
  let ranked: Ranked[] = roots.map((rootId) => ({ rootId, micros: vol30.get(rootId) ?? 0 }));
  for (const f of q.filters) {
    if (f.kind === 'txns') ranked = ranked.filter((x) => (f.op === '=' ? (txns30.get(x.rootId) ?? 0) === f.count : compare(f.op, txns30.get(x.rootId) ?? 0, f.count)));
    if (f.kind !== 'volume') continue;
    const v = f.window === '30d' ? vol30 : await volumes(r, f.window, now, ranked.map((x) => x.rootId));
    ranked = ranked.filter((x) => compare(f.op, v.get(x.rootId) ?? 0, f.micros));
  }
  return ranked.sort((x, y) => y.micros - x.micros || (x.rootId < y.rootId ? -1 : x.rootId > y.rootId ? 1 : 0));
}

/**
 * Matches from this many on are ranked from the nightly rollups (rank.ts) when they are final; below,
 * summing their transactions costs about as much as the three reads that check the rollups.
 */
export const WALK_FROM = 100;

/**
 * The first `upTo` customers matching `q` in result order, and how many match. Without volume or `txns`
 * filters the matches need no sums to be counted, so a large set is ranked by `topByVolume30`, which
 * reads only as much as the page needs; otherwise (or when it declines) every member is summed.
 */
export async function searchPage(r: SearchReader, q: AudienceQuery, opts: { now: number; personal: boolean; upTo: number; walkFrom?: number }): Promise<{ total: number; ranked: Ranked[] }> {
  const roots = await matchRoots(r, q, opts);
  if (roots.length >= (opts.walkFrom ?? WALK_FROM) && !q.filters.some((f) => f.kind === 'volume' || f.kind === 'txns')) {
    const top = await topByVolume30(r.db, roots, opts.now, opts.upTo);
    if (top) return { total: roots.length, ranked: top };
  }
  const ranked = await rankAll(r, q, roots, opts.now);
  return { total: ranked.length, ranked };
}
