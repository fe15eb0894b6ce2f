import { and, between, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { dailyRollups, rollupDirtyDays, rootDayVolume, rootVolume, volumeScopes } from '../../db/schema/index.ts';
import { addDays, gmt8Day, gmt8DayStart } from '../time.ts';
import type { Ranked } from './search.ts';

type Row = { id: string; m: number };

/**
 * The first `n` of a large set of unified customers in `find` order (30-day volume, largest first, then
 * unified id) without summing every member's volume. The 30 days are the nightly `w29` window (the 29
 * days before today, by index largest first) plus today from `root_day_volume` (by index too); a
 * threshold walk over both stops once the n-th exact total is above anything a member not seen yet
 * could reach. A name prefix at 1M customers matches ~45,000 of them: summing each one's volume is the
 * part that grew with the match count.
 *
 * `undefined` when the walk cannot be exact or cheap: the window does not hold precisely the 29 final
 * days before today (no nightly run yet, a day touched since its rollup), or the members are so rare
 * among the active customers that walking the lists would read more than summing the members. The
 * caller then sums every member.
 */
/** `firstPage`: rows read from each list in the first round (by default 200, or 4n), doubling each round after. */
export async function topByVolume30(db: Queryable, roots: string[], now: number, n: number, firstPage?: number): Promise<Ranked[] | undefined> {
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
      const [w, t] = await Promise.all([
        db.all<Row>(sql`SELECT ${rootVolume.rootId} AS id, CAST(${rootVolume.micros} AS REAL) AS m FROM ${rootVolume} WHERE ${rootVolume.scope} = 'w29' AND ${inArray(rootVolume.rootId, chunk)}`),
        db.all<Row>(sql`SELECT ${rootDayVolume.rootId} AS id, CAST(${rootDayVolume.micros} AS REAL) AS m FROM ${rootDayVolume} WHERE ${rootDayVolume.day} = ${today} AND ${inArray(rootDayVolume.rootId, chunk)}`),
      ]);
      const sum = new Map<string, number>();
      for (const r of [...w, ...t]) sum.set(r.id, (sum.get(r.id) ?? 0) + Number(r.m));
      for (const id of chunk) exact.set(id, (sum.get(id) ?? 0) + (ahead.get(id) ?? 0));
    }
  };
  // Each list is read largest first; `next` is the value of its last row read, which bounds every row after it.
  const lists = [
    { from: sql`${rootVolume} WHERE ${rootVolume.scope} = 'w29'`, id: rootVolume.rootId, m: rootVolume.micros, after: undefined as [number, number] | undefined, next: Infinity, done: false },
    { from: sql`${rootDayVolume} WHERE ${rootDayVolume.day} = ${today}`, id: rootDayVolume.rootId, m: rootDayVolume.micros, after: undefined as [number, number] | undefined, next: Infinity, done: false },
  ];
  let page = firstPage ?? Math.max(200, n * 4);
  let read = 0;
  for (;;) {
    for (const l of lists.filter((x) => !x.done)) {
      // Read off the (scope|day, micros) index, which holds the rowid: ties in rowid order, and each page
      // starts after the last row of the one before (no OFFSET, which walks every skipped row again).
      // Ordering ties by root id sorted every tie group in a temporary b-tree instead: at 1M customers
      // a 5,000-row page 50,000 rows in took 363 ms (w29) and 1,109 ms (today) that way, 33 ms this way.
      // The walk needs only a stable order by value; the final order is made below.
      const after = l.after ? sql`AND (${l.m}, _rowid_) < (${l.after[0]}, ${l.after[1]})` : sql``;
      const rows = await db.all<Row & { r: number }>(sql`SELECT ${l.id} AS id, CAST(${l.m} AS REAL) AS m, ${l.m} AS raw, _rowid_ AS r FROM ${l.from} ${after} ORDER BY ${l.m} DESC, _rowid_ DESC LIMIT ${page}`);
      if (rows.length) l.after = [Number((rows.at(-1) as unknown as { raw: number }).raw), Number(rows.at(-1)!.r)];
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
    if (read > 20 * roots.length) return undefined;
    page = Math.min(page * 2, 5000);
  }
  await settle([...ahead.keys()]);
  const ranked = [...exact].map(([rootId, micros]) => ({ rootId, micros }));
  // Both lists read down to zero: every member with volume is settled, the others have none.
  if (lists.every((l) => l.done)) for (const id of members) if (!exact.has(id)) ranked.push({ rootId: id, micros: 0 });
  return ranked.sort((x, y) => y.micros - x.micros || (x.rootId < y.rootId ? -1 : x.rootId > y.rootId ? 1 : 0)).slice(0, n);
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
