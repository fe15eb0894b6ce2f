import { volumeByAcquisitionSource } from './acquisition.ts';
import { between, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { customers, dailyCustomerVolume, dailyRollups, dailyTxRollups, rollupDirtyDays, transactions } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import { addDays, gmt8Day, gmt8DayStart } from '../time.ts';
import { kycNow } from '../compliance/kyc-state.ts';
import { addFigures, emptyFigures, liveFigures, liveVolumeByRoot, type DayFigures } from './figures.ts';
import { scopeSpans, topWithTotals } from './root-volume.ts';
import type { DayRange } from './range.ts';

// Names from the drizzle tables (db/sql-names.ts).
const [C, T, V] = [sqlNames(customers), sqlNames(transactions), sqlNames(dailyCustomerVolume)];
/** Per unified customer: the day-customer rows' count and micros summed (`v` the rows, `c` the customers). */
const rootSums = sql`c.${C.rootId} AS id, sum(v.${V.count}) AS count, total(v.${V.micros}) AS micros`;

const usdt = (micros: number) => Math.round(micros / 1e4) / 100;

/** The first GMT+8 day with data: a transaction, or any customer's first record (both indexed). */
export async function firstDataDay(db: Db): Promise<string | undefined> {
  const [row] = await db.all<{ day: string | null; seen: number | null }>(sql`SELECT (SELECT min(${T.day}) FROM ${T.$}) AS day, (SELECT min(${C.firstSeenAt}) FROM ${C.$}) AS seen`);
  const days = [row?.day, row?.seen == null ? undefined : gmt8Day(Number(row.seen))].filter((d): d is string => Boolean(d));
  return days.sort()[0];
}

/** Splits sorted days into runs of consecutive days, so live queries stay range scans. */
function runs(days: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const d of days) {
    const last = out.at(-1);
    if (last && addDays(last[1], 1) === d) last[1] = d;
    else out.push([d, d]);
  }
  return out;
}

/**
 * Compliance and AssetPro figures of whole GMT+8 days. Past days with a final rollup come from the
 * 🐢 rollup tables; today and any day not final yet are read live, so a 30-day or all-time range costs
 * a few hundred rollup rows plus today's facts.
 */
export async function queryMetrics(db: Db, range: DayRange, now: number, topN = 10) {
  const { from, to } = range;
  const today = gmt8Day(now);
  const [rolled, dirty, spans] = await Promise.all([
    db.select({ day: dailyRollups.day, computedAt: dailyRollups.computedAt, inTotals: dailyRollups.inTotals }).from(dailyRollups).where(between(dailyRollups.day, from, to)),
    db.select({ day: rollupDirtyDays.day }).from(rollupDirtyDays).where(between(rollupDirtyDays.day, from, to)),
    scopeSpans(db),
  ]);
  const dirtySet = new Set(dirty.map((d) => d.day));
  const finalDays = rolled.filter((r) => r.day < today && r.computedAt >= gmt8DayStart(addDays(r.day, 1)) && !dirtySet.has(r.day)).map((r) => r.day);
  const finalSet = new Set(finalDays);
  const liveDays: string[] = [];
  for (let d = from; d <= to && d <= today; d = addDays(d, 1)) if (!finalSet.has(d)) liveDays.push(d);

  let figures = await rolledFigures(db, finalDays);
  const liveRuns = runs(liveDays);
  for (const [a, b] of liveRuns) figures = addFigures(figures, await liveFigures(db, a, b));
  // A volume scope fits when it lies inside the range and holds every final day of it; the rest of
  // the range is live. A day the scope counted that is read live here (touched since, or not final as
  // of `now`: a digest asked for at its own day's end after the nightly run) is taken back out, or the
  // customer's volume of that day would be counted twice.
  const fit = spans
    .filter((s) => s.firstDay >= from && s.lastDay <= to && finalDays.every((d) => d >= s.firstDay && d <= s.lastDay))
    .sort((a, b) => b.firstDay.localeCompare(a.firstDay))[0];
  const staleDays = fit ? rolled.filter((r) => r.inTotals && !finalSet.has(r.day) && r.day >= fit.firstDay && r.day <= fit.lastDay).map((r) => r.day) : [];
  const [snapshot, top, bySource] = await Promise.all([
    kycNow(db),
    fit ? topFromTotals(db, fit.scope, staleDays, liveRuns, topN) : topCustomers(db, finalDays, liveRuns, topN),
    volumeByAcquisitionSource(db, finalDays, liveRuns, fit ? { scope: fit.scope, staleDays } : undefined),
  ]);

  const group = (key: 'token' | 'chain') => {
    const m = new Map<string, { count: number; micros: number }>();
    for (const r of figures.byTokenChain) {
      const prev = m.get(r[key]) ?? { count: 0, micros: 0 };
      m.set(r[key], { count: prev.count + r.count, micros: prev.micros + r.micros });
    }
    return [...m.entries()].sort((x, y) => y[1].micros - x[1].micros).map(([k, v]) => ({ [key]: k, count: v.count, value_usdt: usdt(v.micros) }) as { count: number; value_usdt: number } & Record<typeof key, string>);
  };
  return {
    range: { from, to, label: range.label },
    compliance: {
      new_customers: figures.newCustomers,
      kyc_submitted: figures.kycSubmitted,
      kyc_verified: figures.kycVerified,
      kyc_rejected: figures.kycRejected,
      pending_queue: snapshot.pendingQueue,
      customers_by_risk_level: snapshot.riskLevels,
      new_high_risk: figures.newHigh,
      new_very_high_risk: figures.newVeryHigh,
    },
    assetpro: {
      transaction_count: figures.txCount,
      transaction_value_usdt: usdt(figures.txMicros),
      by_token: group('token'),
      by_chain: group('chain'),
      /** Volume by each customer's first campaign touch (SPEC §8); customers without one under "(none)". */
      by_acquisition_source: bySource,
      by_day: figures.byDay.map((d) => ({ day: d.day, count: d.count, value_usdt: usdt(d.micros) })),
      top_customers: top,
    },
    /** Which days came from the 🐢 nightly rollup and which were read live. */
    sources: { rollup_days: finalDays.length, live_days: liveDays.length, rollup_through: finalDays.at(-1) ?? null },
  };
}

export type Metrics = Awaited<ReturnType<typeof queryMetrics>>;

async function rolledFigures(db: Db, days: string[]): Promise<DayFigures> {
  if (!days.length) return emptyFigures();
  const f = emptyFigures();
  for (let i = 0; i < days.length; i += 500) {
    const chunk = days.slice(i, i + 500);
    const [rows, tc] = await Promise.all([
      // Read as REAL: a day's total past 2^53 micros is stored as an INTEGER the libSQL client refuses to read.
      db.select({ ...getTableColumns(dailyRollups), txMicros: sql<number>`CAST(${dailyRollups.txMicros} AS REAL)`.mapWith(Number) }).from(dailyRollups).where(inArray(dailyRollups.day, chunk)),
      db
        .select({ token: dailyTxRollups.token, chain: dailyTxRollups.chain, count: sql<number>`sum(${dailyTxRollups.count})`, micros: sql<number>`total(${dailyTxRollups.micros})` })
        .from(dailyTxRollups)
        .where(inArray(dailyTxRollups.day, chunk))
        .groupBy(dailyTxRollups.token, dailyTxRollups.chain),
    ]);
    const part: DayFigures = {
      newCustomers: rows.reduce((s, r) => s + r.newCustomers, 0),
      kycSubmitted: rows.reduce((s, r) => s + r.kycSubmitted, 0),
      kycVerified: rows.reduce((s, r) => s + r.kycVerified, 0),
      kycRejected: rows.reduce((s, r) => s + r.kycRejected, 0),
      newHigh: rows.reduce((s, r) => s + r.newHigh, 0),
      newVeryHigh: rows.reduce((s, r) => s + r.newVeryHigh, 0),
      txCount: rows.reduce((s, r) => s + r.txCount, 0),
      txMicros: rows.reduce((s, r) => s + r.txMicros, 0),
      purchaseCount: rows.reduce((s, r) => s + r.purchaseCount, 0),
      byTokenChain: tc.map((r) => ({ token: r.token, chain: r.chain, count: Number(r.count), micros: Number(r.micros) })),
      byDay: rows.filter((r) => r.txCount > 0).map((r) => ({ day: r.day, count: r.txCount, micros: r.txMicros })),
    };
    Object.assign(f, addFigures(f, part));
  }
  return f;
}

type Volume = { count: number; micros: number };

/** Live volume per unified customer over the live days, as a map for adding to rolled-up totals. */
async function liveVolumes(db: Db, liveRuns: [string, string][]): Promise<Map<string, Volume>> {
  return new Map((await liveVolumeByRoot(db, liveRuns)).map((r) => [r.unified_id, { count: r.count, micros: r.micros }]));
}

/**
 * Exact top list over rolled-up and live days when no volume scope fits the range: the rollup's own
 * top page, plus the live customers that could still climb past its n-th total (threshold below).
 */
async function topCustomers(db: Db, finalDays: string[], liveRuns: [string, string][], n: number) {
  // Nothing rolled up yet (a first start on loaded data): the database ranks and keeps n rows,
  // instead of every customer's volume coming into memory (a million at scale) to be sorted here.
  if (!finalDays.length) {
    return (await liveVolumeByRoot(db, liveRuns, n)).map((r) => ({ unified_id: r.unified_id, count: r.count, value_usdt: usdt(r.micros) }));
  }
  const live = await liveVolumes(db, liveRuns);
  const [lo, hi] = [finalDays[0]!, finalDays.at(-1)!];
  const finalFilter = sql`v.${V.day} BETWEEN ${lo} AND ${hi} AND v.${V.day} IN (${sql.join(finalDays.map((d) => sql`${d}`), sql`, `)})`;
  const page = Math.max(50, n * 2);
  const rolledTop = await db.all<{ id: string; count: number; micros: number }>(sql`
    SELECT ${rootSums} FROM ${V.$} v JOIN ${C.$} c ON c.${C.id} = v.${V.customerId}
    WHERE ${finalFilter} GROUP BY c.${C.rootId} ORDER BY micros DESC, id LIMIT ${page}`);
  const exact = new Map<string, Volume>();
  // The n largest exact totals so far, descending: the threshold needs only the n-th.
  const best: number[] = [];
  const settle = (id: string, rolled: Volume | undefined) => {
    const l = live.get(id);
    const micros = Number(rolled?.micros ?? 0) + (l?.micros ?? 0);
    exact.set(id, { count: Number(rolled?.count ?? 0) + (l?.count ?? 0), micros });
    if (best.length < n || micros > best[n - 1]!) {
      const at = best.findIndex((b) => b < micros);
      best.splice(at === -1 ? best.length : at, 0, micros);
      if (best.length > n) best.pop();
    }
  };
  for (const r of rolledTop) settle(r.id, r);
  // Anyone outside that page rolled at most `bound` (volumes are never negative), so a live customer
  // can only enter the top n if its live volume lifts it past the n-th exact total: check the live
  // customers largest first and stop there, instead of looking up every one of them (a busy day has
  // a hundred thousand).
  const bound = rolledTop.length === page ? Number(rolledTop.at(-1)!.micros) : 0;
  const candidates = [...live.entries()].filter(([id]) => !exact.has(id)).sort((a, b) => b[1].micros - a[1].micros);
  for (let i = 0; i < candidates.length; i += CHUNK) {
    if (best.length === n && best[n - 1]! > bound + candidates[i]![1].micros) break;
    const ids = candidates.slice(i, i + CHUNK).map(([id]) => id);
    // CROSS JOIN fixes the order: from these customers to their (day, customer) rows, one key probe
    // per day; left to itself the planner read every row of every day (4 s a chunk at scale 1, 8 ms so).
    const rolled = await db.all<{ id: string; count: number; micros: number }>(sql`
      SELECT ${rootSums} FROM ${C.$} c CROSS JOIN ${V.$} v ON v.${V.customerId} = c.${C.id}
      WHERE ${finalFilter} AND c.${C.rootId} IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) GROUP BY c.${C.rootId}`);
    const byId = new Map(rolled.map((r) => [r.id, r]));
    for (const id of ids) settle(id, byId.get(id));
  }
  return [...exact.entries()]
    .sort((x, y) => y[1].micros - x[1].micros || x[0].localeCompare(y[0]))
    .slice(0, n)
    .map(([id, v]) => ({ unified_id: id, count: v.count, value_usdt: usdt(v.micros) }));
}

/** Live customers whose rolled-up volume is looked up per statement (small, so the threshold stops early). */
const CHUNK = 50;

async function topFromTotals(db: Db, scope: string, staleDays: string[], liveRuns: [string, string][], n: number) {
  const live = await liveVolumes(db, liveRuns);
  const stale = new Map<string, Volume>();
  if (staleDays.length) {
    const rows = await db.all<{ id: string; count: number; micros: number }>(sql`
      SELECT ${rootSums} FROM ${V.$} v JOIN ${C.$} c ON c.${C.id} = v.${V.customerId}
      WHERE v.${V.day} IN (${sql.join(staleDays.map((d) => sql`${d}`), sql`, `)}) GROUP BY c.${C.rootId}`);
    for (const r of rows) stale.set(r.id, { count: Number(r.count), micros: Number(r.micros) });
  }
  return (await topWithTotals(db, scope, n, live, stale)).map(([id, v]) => ({ unified_id: id, count: v.count, value_usdt: usdt(v.micros) }));
}
