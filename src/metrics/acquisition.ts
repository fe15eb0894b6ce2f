import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { audience, customers, dailyCustomerVolume, rootDayVolume, sourceVolume } from '../../db/schema/index.ts';

const usdt = (micros: number) => Math.round(micros / 1e4) / 100;
/** The bucket of customers without a campaign touch. */
export const NO_SOURCE = '(none)';

/**
 * `assetpro.by_acquisition_source` (SPEC §8): the range's transaction volume by each unified customer's
 * first-touch source (kept on the `audience` row). Final days come from the per-customer daily volumes
 * of the 🐢 rollup, the rest from the transactions themselves, like every other figure of `metrics`.
 */
export async function volumeByAcquisitionSource(db: Db, finalDays: string[], liveRuns: [string, string][], totals?: { scope: string; staleDays: string[] }) {
  const total = new Map<string, { count: number; micros: number }>();
  const add = (rows: { source: string | null; count: number; micros: number }[], sign = 1) => {
    for (const r of rows) {
      const k = r.source ?? NO_SOURCE;
      const prev = total.get(k) ?? { count: 0, micros: 0 };
      total.set(k, { count: prev.count + sign * Number(r.count), micros: prev.micros + sign * Number(r.micros) });
    }
  };
  const source = sql`(SELECT ${audience.acquisitionSource} FROM ${audience} WHERE ${audience.rootId} = ${customers.rootId})`;
  const byCustomerDays = (days: string[]) =>
    db.all<{ source: string | null; count: number; micros: number }>(sql`
      SELECT ${source} AS source, sum(${dailyCustomerVolume.count}) AS count, total(${dailyCustomerVolume.micros}) AS micros
      FROM ${dailyCustomerVolume} JOIN ${customers} ON ${customers.id} = ${dailyCustomerVolume.customerId}
      WHERE ${dailyCustomerVolume.day} IN (${sql.join(days.map((d) => sql`${d}`), sql`, `)}) GROUP BY 1`);
  if (totals) {
    // The final days as a volume scope holds them, by source: a few rows kept by triggers on
    // `root_volume` and `audience` (source_volume, migration 0021), less the days the scope counted
    // that are read live now; the formula of the top list (query.ts, topFromTotals). Summing the
    // per-customer day rows instead read one row per customer per day: 358 of the 559 ms of `metrics
    // all` at CI size; joining the scope's unified customers to their sources, 30 ms (BENCHMARKS.md, 2026-12-02).
    add(await db.all(sql`
      SELECT nullif(${sourceVolume.source}, '') AS source, ${sourceVolume.count} AS count, CAST(${sourceVolume.micros} AS REAL) AS micros
      FROM ${sourceVolume} WHERE ${sourceVolume.scope} = ${totals.scope}`));
    if (totals.staleDays.length) add(await byCustomerDays(totals.staleDays), -1);
  } else if (finalDays.length) {
    add(await byCustomerDays(finalDays));
  }
  // Live days from root_day_volume: one row per unified customer active on a day, so the source is
  // looked up once per customer, not once per transaction (a busy day at CI size: 546 ms → 24 ms).
  for (const [from, to] of liveRuns) {
    add(await db.all(sql`
      SELECT ${audience.acquisitionSource} AS source, sum(${rootDayVolume.count}) AS count, total(${rootDayVolume.micros}) AS micros
      FROM ${rootDayVolume} LEFT JOIN ${audience} ON ${audience.rootId} = ${rootDayVolume.rootId}
      WHERE ${rootDayVolume.day} BETWEEN ${from} AND ${to} GROUP BY 1`));
  }
  return [...total.entries()]
    // A source whose every counted day was taken back out (or a unified customer folded away) is not listed.
    .filter(([, v]) => v.count !== 0)
    .sort((x, y) => y[1].micros - x[1].micros || (x[0] < y[0] ? -1 : 1))
    .map(([k, v]) => ({ source: k, count: v.count, value_usdt: usdt(v.micros) }));
}
