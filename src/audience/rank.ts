import { and, between, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { dailyRollups, rollupDirtyDays, rootDayVolume, rootVolume, volumeScopes } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import { addDays, gmt8Day, gmt8DayStart } from '../time.ts';
import type { Ranked } from './search.ts';

type Row = { id: string; m: number };
const [rv, rdv] = [sqlNames(rootVolume), sqlNames(rootDayVolume)];

/**
 * Up to this many members are summed one by one rather than walked to. At 1M customers, for the top 10:
 * `tag:vip kyc:pending risk:>=high` (2,695 members) walked 12,400 index rows in ~22 ms of CPU and
 * summed member by member (two key probes and a table row each, per list) in ~60 ms; the walk's cost
 * grows as the members get rarer, the sums' with their number.
 */
export const SETTLE_ALL = 1000;

/**
 * The first `n` of a large set of unified customers in `find` order (30-day volume, largest first, then
 * unified id) without summing every member's volume. The 30 days are the nightly `w29` window (the 29
 * days before today, by index largest first) plus today from `root_day_volume` (by index too); a
 * threshold walk over both stops once the n-th exact total is above anything a member not seen yet
 * could reach. A name prefix at 1M customers matches ~45,000 of them: summing each one's volume is the
 * part that grew with the match count.
 *
 * A set of at most SETTLE_ALL members, or one so rare among the active customers that the walk reads
 * more than 20 rows a member, is summed member by member from the same rollups instead (a key probe
 * per list each), which is exact too.
 *
 * `undefined` when the rollups cannot give exact totals: the window does not hold precisely the 29 final
 * days before today (no nightly run yet, a day touched since its rollup). The caller then sums every
 * member's transactions.
 */
/**
 * `firstPage`: rows read from each list in the first round (by default 200, or 4n), doubling each round
 * after; `settleAll`: the member count up to which members are summed instead of walked to (SETTLE_ALL).
 */
export async function topByVolume30(db: Queryable, roots: string[], now: number, n: number, opts: { firstPage?: number; settleAll?: number } = {}): Promise<Ranked[] | undefined> {
  const today = gmt8Day(now);
  if (!(await windowIsFinal(db, today))) return undefined;
  const members = new Set(roots);
  // Days after today (a record may be dated up to a day ahead) are few: read whole.
  const ahead = new Map<string, number>();
  // Summed here, not by GROUP BY: grouping by root made SQLite scan the whole table in primary-key
  // order (799 ms at 1M customers) instead of reading the few rows after today by the day index.
  const aheadRows = await db.all<Row>(sql`SELECT ${rootDayVolume.rootId} AS id, ${rootDayVolume.micros} AS m FROM ${rootDayVolume} WHERE ${rootDayVolume.day} > ${today}`);
  for (const r of aheadRows) if (members.has(r.id)) ahead.set(r.id, (ahead.get(r.id) ?? 0) + Number(r.m));
  const aheadMax = Math.max(0, ...ahead.values());

  const exact = new Map<string, number>();
  const settle = async (ids: string[]) => {
    const fresh = [...new Set(ids)].filter((id) => members.has(id) && !exact.has(id));
    for (let i = 0; i < fresh.length; i += 500) {
      const chunk = fresh.slice(i, i + 500);
      // One key probe per member and list, driven from the chunk: `root_id IN (…)` let SQLite walk the
      // whole (scope, micros, root_id) index instead, which holds every column the query names.
      const arg = JSON.stringify(chunk);
      const [w, t] = await Promise.all([
        db.all<Row>(sql`SELECT v.${rv.rootId} AS id, CAST(v.${rv.micros} AS REAL) AS m FROM json_each(${arg}) j
          CROSS JOIN ${rv.$} v ON v.${rv.scope} = 'w29' AND v.${rv.rootId} = j.value`),
        db.all<Row>(sql`SELECT v.${rdv.rootId} AS id, CAST(v.${rdv.micros} AS REAL) AS m FROM json_each(${arg}) j
          CROSS JOIN ${rdv.$} v ON v.${rdv.day} = ${today} AND v.${rdv.rootId} = j.value`),
      ]);
      const sum = new Map<string, number>();
      for (const r of [...w, ...t]) sum.set(r.id, (sum.get(r.id) ?? 0) + Number(r.m));
      for (const id of chunk) exact.set(id, (sum.get(id) ?? 0) + (ahead.get(id) ?? 0));
    }
  };
  const ranked = () => [...exact].map(([rootId, micros]) => ({ rootId, micros })).sort((x, y) => y.micros - x.micros || (x.rootId < y.rootId ? -1 : x.rootId > y.rootId ? 1 : 0));
  // Few members: probing each costs less than walking the lists down to where they are.
  if (roots.length <= (opts.settleAll ?? SETTLE_ALL)) {
    await settle(roots);
    return ranked().slice(0, n);
  }
  // Each list is read largest first; `next` is the value of its last row read, which bounds every row after it.
  const lists = [
    { from: sql`${rootVolume} WHERE ${rootVolume.scope} = 'w29'`, id: rootVolume.rootId, m: rootVolume.micros, after: undefined as [number, string] | undefined, next: Infinity, done: false },
    { from: sql`${rootDayVolume} WHERE ${rootDayVolume.day} = ${today}`, id: rootDayVolume.rootId, m: rootDayVolume.micros, after: undefined as [number, string] | undefined, next: Infinity, done: false },
  ];
  let page = opts.firstPage ?? Math.max(200, n * 4);
  let read = 0;
  for (;;) {
    for (const l of lists.filter((x) => !x.done)) {
      // Read off the (scope|day, micros, root_id) index alone, in its own order, and each page starts
      // after the last row of the one before (no OFFSET, which walks every skipped row again). Without
      // the root id in the index each row read was a table row too; ordering by anything the index does
      // not hold sorted every tie group in a temporary b-tree (1,109 ms for one page at 1M customers).
      const after = l.after ? sql`AND (${l.m}, ${l.id}) < (${l.after[0]}, ${l.after[1]})` : sql``;
      // The page as one JSON array of [id, micros]: a row at a time cost more than reading the index.
      // Sorted again here: an aggregate keeps no order by contract (and sqld parses no ORDER BY in one).
      const [got] = await db.all<{ j: string }>(sql`SELECT json_group_array(json_array(id, m)) AS j FROM (
        SELECT ${l.id} AS id, ${l.m} AS m FROM ${l.from} ${after} ORDER BY ${l.m} DESC, ${l.id} DESC LIMIT ${page})`);
      const rows = (JSON.parse(got!.j) as [string, number][]).map(([id, m]) => ({ id, m })).sort((x, y) => y.m - x.m || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
      if (rows.length) l.after = [rows.at(-1)!.m, rows.at(-1)!.id];
      read += rows.length;
      l.next = rows.length < page ? 0 : Math.max(0, Number(rows.at(-1)!.m));
      // Past the last positive value every row is zero: members not met by then have no volume.
      l.done = l.next <= 0;
      await settle(rows.map((r) => r.id));
    }
    if (lists.every((l) => l.done)) break;
    const bound = lists.reduce((s, l) => s + (l.done ? 0 : l.next), 0) + aheadMax;
    const best = [...exact.values()].sort((a, b) => b - a);
    if (best.length >= n && best[n - 1]! > bound) break;
    if (read > 20 * roots.length) {
      await settle(roots);
      return ranked().slice(0, n);
    }
    page = Math.min(page * 2, 5000);
  }
  await settle([...ahead.keys()]);
  // Both lists read down to zero: every member with volume is settled, the others have none.
  if (lists.every((l) => l.done)) for (const id of members) if (!exact.has(id)) exact.set(id, 0);
  return ranked().slice(0, n);
}

/** `w29` spans exactly the 29 days before today, each with a final rollup counted in it and untouched since (as `metrics` decides). */
async function windowIsFinal(db: Queryable, today: string): Promise<boolean> {
  const [first, last] = [addDays(today, -29), addDays(today, -1)];
  const [span] = await db.select().from(volumeScopes).where(eq(volumeScopes.scope, 'w29'));
  if (!span || span.firstDay !== first || span.lastDay !== last) return false;
  const days = await db.select({ day: dailyRollups.day, computedAt: dailyRollups.computedAt }).from(dailyRollups).where(and(between(dailyRollups.day, first, last), eq(dailyRollups.inTotals, 1)));
  if (days.length !== 29 || days.some((d) => d.computedAt < gmt8DayStart(addDays(d.day, 1)))) return false;
  const dirty = await db.select({ day: rollupDirtyDays.day }).from(rollupDirtyDays).where(between(rollupDirtyDays.day, first, last)).limit(1);
  return dirty.length === 0;
}
