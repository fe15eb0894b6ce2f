import { sql, type SQL } from 'drizzle-orm';
import type { Queryable, Store } from '../../db/client.ts';
import { PERSONAL_SEARCH_FIELDS, SEARCH_FIELDS } from '../../db/schema/constants.ts';
import type { AudienceQuery, Filter, VolumeWindow } from './query.ts';
import { addDays, DAY_MS, gmt8Day, gmt8DayStart } from '../time.ts';
import { fold } from './index-rows.ts';

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
const PER_ROOT_VOLUME = `
  SELECT c.root_id AS id, total(t.usdt_micros) AS m, count(*) AS n FROM json_each(?) r JOIN customers c ON c.root_id = r.value
  CROSS JOIN transactions t ON t.customer_id = c.id WHERE t.at >= ? GROUP BY c.root_id`;
const MAX_CODEPOINT = String.fromCodePoint(0x10ffff);
const STAGE_DAYS = { fresh: 30, dormant: 90 };

const PUBLIC_FIELDS = SEARCH_FIELDS.filter((f) => !PERSONAL_SEARCH_FIELDS.includes(f));
const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);

/** A phone number in any spelling: `+886 912-345 678`, `0912 345 678` → its digits. */
export const phoneDigits = (word: string) => (/^\+?[\d\s\-().]+$/.test(word) && (word.match(/\d/g)?.length ?? 0) >= 3 ? word.replace(/\D/g, '') : undefined);

function wordCondition(word: string, personal: boolean): SQL {
  const w = fold(word);
  const fields = personal ? SEARCH_FIELDS.filter((f) => f !== 'phone') : PUBLIC_FIELDS;
  const digits = personal ? phoneDigits(word) : undefined;
  const range = (t: string) => sql`s.term >= ${t} AND s.term < ${t + MAX_CODEPOINT}`;
  const phone = digits ? sql` UNION SELECT s.customer_id FROM search_terms s WHERE ${range(digits)} AND s.field = 'phone'` : sql``;
  return sql`a.root_id IN (SELECT c.root_id FROM customers c WHERE c.id IN (
    SELECT s.customer_id FROM search_terms s WHERE ${range(w)} AND s.field IN (${list(fields)})${phone}))`;
}

function filterCondition(f: Filter, now: number): SQL | undefined {
  const ago = (ms: number) => now - ms;
  switch (f.kind) {
    case 'kyc': return sql`a.kyc_status = ${f.status}`;
    case 'risk': return f.min === f.max ? sql`a.risk_rank = ${f.min}` : sql`a.risk_rank BETWEEN ${f.min} AND ${f.max}`;
    case 'country': return sql`a.country = ${f.country}`;
    case 'seen': return f.op === '<' ? sql`a.last_activity_at >= ${ago(f.ms)}` : sql`a.last_activity_at < ${ago(f.ms)}`;
    case 'stage': {
      const fresh = ago(STAGE_DAYS.fresh * DAY_MS);
      const dormant = ago(STAGE_DAYS.dormant * DAY_MS);
      if (f.stage === 'new') return sql`a.first_seen_at >= ${fresh}`;
      if (f.stage === 'active') return sql`a.first_seen_at < ${fresh} AND a.last_activity_at >= ${fresh}`;
      if (f.stage === 'dormant') return sql`a.first_seen_at < ${fresh} AND a.last_activity_at < ${fresh} AND a.last_activity_at >= ${dormant}`;
      return sql`a.first_seen_at < ${fresh} AND a.last_activity_at < ${dormant}`;
    }
    case 'tag': return sql`a.root_id IN (SELECT c.root_id FROM labels l JOIN customers c ON c.id = l.customer_id WHERE l.kind = 'tag' AND l.value IN (${list([...new Set([f.tag, f.tag.toLowerCase()])])}))`;
    case 'chain': return sql`a.root_id IN (SELECT c.root_id FROM wallets w JOIN customers c ON c.id = w.customer_id WHERE w.chain = ${f.chain})`;
    case 'attr': return sql`a.root_id IN (SELECT c.root_id FROM attributes t JOIN customers c ON c.id = t.customer_id WHERE t.key = ${f.key} AND t.match = ${fold(f.value)})`;
    case 'segment': return sql`a.root_id IN (SELECT m.root_id FROM segment_members m JOIN segments g ON g.id = m.segment_id WHERE g.name = ${f.name})`;
    case 'campaign': return f.source === null
      ? sql`a.root_id IN (SELECT c.root_id FROM campaign_touches t JOIN customers c ON c.id = t.customer_id)`
      : sql`a.root_id IN (SELECT c.root_id FROM campaign_touches t JOIN customers c ON c.id = t.customer_id WHERE t.source = ${f.source})`;
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
      SELECT c.root_id AS id, total(t.usdt_micros) AS m FROM transactions t JOIN customers c ON c.id = t.customer_id WHERE t.day >= ${day} GROUP BY c.root_id`);
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

/** Every unified customer matching `q`, in result order. `personal`: whether words may match names, emails, phones. */
export async function searchAudience(r: SearchReader, q: AudienceQuery, opts: { now: number; personal: boolean }): Promise<Ranked[]> {
  const conds = [...q.words.map((w) => wordCondition(w, opts.personal)), ...q.filters.map((f) => filterCondition(f, opts.now)).filter((c): c is SQL => !!c)];
  const where = conds.length ? sql` WHERE ${sql.join(conds, sql` AND `)}` : sql``;
  const roots = (await r.db.all<{ root_id: string }>(sql`SELECT a.root_id FROM audience a${where}`)).map((x) => x.root_id);
  const txns30 = new Map<string, number>();
  const vol30 = await volumes(r, '30d', opts.now, roots, txns30);
  let ranked: Ranked[] = roots.map((rootId) => ({ rootId, micros: vol30.get(rootId) ?? 0 }));
  for (const f of q.filters) {
    if (f.kind === 'txns') ranked = ranked.filter((x) => (f.op === '=' ? (txns30.get(x.rootId) ?? 0) === f.count : compare(f.op, txns30.get(x.rootId) ?? 0, f.count)));
    if (f.kind !== 'volume') continue;
    const v = f.window === '30d' ? vol30 : await volumes(r, f.window, opts.now, ranked.map((x) => x.rootId));
    ranked = ranked.filter((x) => compare(f.op, v.get(x.rootId) ?? 0, f.micros));
  }
  return ranked.sort((x, y) => y.micros - x.micros || (x.rootId < y.rootId ? -1 : x.rootId > y.rootId ? 1 : 0));
}
