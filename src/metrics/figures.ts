import { getTableName, sql } from 'drizzle-orm';
import type { Queryable as Db } from '../../db/client.ts';
import { RISK_LEVELS, type RiskLevel } from '../../db/schema/constants.ts';
import { customers, kycChanges, purchases, rootDayVolume, transactions } from '../../db/schema/index.ts';
import { columnsOf, sqlNames } from '../../db/sql-names.ts';
import { addDays, gmt8Day, gmt8DayStart } from '../time.ts';

/** Additive figures of a run of whole GMT+8 days: what a rollup stores and what live queries return. */
export interface DayFigures {
  newCustomers: number;
  kycSubmitted: number;
  kycVerified: number;
  kycRejected: number;
  newHigh: number;
  newVeryHigh: number;
  txCount: number;
  txMicros: number;
  purchaseCount: number;
  byTokenChain: { token: string; chain: string; count: number; micros: number }[];
  byDay: { day: string; count: number; micros: number }[];
}

export const emptyFigures = (): DayFigures => ({
  newCustomers: 0, kycSubmitted: 0, kycVerified: 0, kycRejected: 0, newHigh: 0, newVeryHigh: 0, txCount: 0, txMicros: 0, purchaseCount: 0, byTokenChain: [], byDay: [],
});

const num = (v: unknown) => Number(v ?? 0);
// Names from the drizzle tables (db/sql-names.ts).
const [C, K, P, T] = [sqlNames(customers), sqlNames(kycChanges), sqlNames(purchases), sqlNames(transactions)];

/** Reads the figures of days `from`..`to` straight from the fact tables. */
export async function liveFigures(db: Db, from: string, to: string): Promise<DayFigures> {
  const fromMs = gmt8DayStart(from);
  const toMs = gmt8DayStart(addDays(to, 1));
  const [[customers], [kyc], [purchases], cells] = await Promise.all([
    // A new customer of these days is a unified customer whose first record, across everyone merged
    // into it, falls in them: loading a year of history today makes no one new today.
    db.all<{ n: number }>(sql`
      SELECT count(DISTINCT c.${C.rootId}) AS n FROM ${C.$} c
      WHERE c.${C.firstSeenAt} >= ${fromMs} AND c.${C.firstSeenAt} < ${toMs}
        AND NOT EXISTS (SELECT 1 FROM ${C.$} g WHERE g.${C.rootId} = c.${C.rootId} AND g.${C.firstSeenAt} < ${fromMs})`),
    db.all<Record<string, number>>(sql`
      SELECT
        sum(${K.toStatus} = 'pending' AND ${K.fromStatus} <> 'pending') AS submitted,
        sum(${K.toStatus} = 'verified' AND ${K.fromStatus} <> 'verified') AS verified,
        sum(${K.toStatus} = 'rejected' AND ${K.fromStatus} <> 'rejected') AS rejected,
        sum(${K.toLevel} = 'high' AND coalesce(${K.fromLevel}, '') <> 'high') AS high,
        sum(${K.toLevel} = 'very_high' AND coalesce(${K.fromLevel}, '') <> 'very_high') AS very_high
      FROM ${K.$} WHERE ${K.day} BETWEEN ${from} AND ${to}`),
    db.all<{ n: number }>(sql`SELECT count(*) AS n FROM ${P.$} WHERE ${P.day} BETWEEN ${from} AND ${to}`),
    // One pass over the covering (day, token, chain, usdt_micros, …) index gives both breakdowns.
    db.all<{ day: string; token: string; chain: string; count: number; micros: number }>(
      sql`SELECT ${T.day}, ${T.token}, ${T.chain}, count(*) AS count, total(${T.usdtMicros}) AS micros FROM ${T.$} WHERE ${T.day} BETWEEN ${from} AND ${to} GROUP BY ${T.day}, ${T.token}, ${T.chain}`,
    ),
  ]);
  const sumBy = <K extends string>(key: (c: (typeof cells)[number]) => K) => {
    const m = new Map<K, { count: number; micros: number }>();
    for (const c of cells) {
      const prev = m.get(key(c)) ?? { count: 0, micros: 0 };
      m.set(key(c), { count: prev.count + num(c.count), micros: prev.micros + num(c.micros) });
    }
    return m;
  };
  const byTokenChain = [...sumBy((c) => `${c.token}\u0000${c.chain}`)].map(([k, v]) => {
    const [token, chain] = k.split('\u0000') as [string, string];
    return { token, chain, ...v };
  });
  const byDay = [...sumBy((c) => c.day)].map(([day, v]) => ({ day, ...v })).sort((a, b) => a.day.localeCompare(b.day));
  return {
    newCustomers: num(customers?.n),
    kycSubmitted: num(kyc?.submitted),
    kycVerified: num(kyc?.verified),
    kycRejected: num(kyc?.rejected),
    newHigh: num(kyc?.high),
    newVeryHigh: num(kyc?.very_high),
    txCount: byDay.reduce((s, d) => s + num(d.count), 0),
    txMicros: byDay.reduce((s, d) => s + num(d.micros), 0),
    purchaseCount: num(purchases?.n),
    byTokenChain,
    byDay,
  };
}

/**
 * The GMT+8 days on which the unified customers `rootIds` are first seen now: a merge, a split or a
 * late record that moves one of them makes those days' new-customer counts change.
 */
export async function firstSeenDays(db: Db, rootIds: string[]): Promise<string[]> {
  if (!rootIds.length) return [];
  const rows = await db.all<{ first: number }>(sql`
    SELECT min(${C.firstSeenAt}) AS first FROM ${C.$} WHERE ${C.rootId} IN (${sql.join(rootIds.map((r) => sql`${r}`), sql`, `)}) GROUP BY ${C.rootId}`);
  return rows.map((r) => gmt8Day(Number(r.first)));
}

export function addFigures(a: DayFigures, b: DayFigures): DayFigures {
  const tc = new Map<string, DayFigures['byTokenChain'][number]>();
  for (const r of [...a.byTokenChain, ...b.byTokenChain]) {
    const key = `${r.token}\u0000${r.chain}`;
    const prev = tc.get(key);
    tc.set(key, prev ? { ...prev, count: prev.count + r.count, micros: prev.micros + r.micros } : { ...r });
  }
  return {
    newCustomers: a.newCustomers + b.newCustomers,
    kycSubmitted: a.kycSubmitted + b.kycSubmitted,
    kycVerified: a.kycVerified + b.kycVerified,
    kycRejected: a.kycRejected + b.kycRejected,
    newHigh: a.newHigh + b.newHigh,
    newVeryHigh: a.newVeryHigh + b.newVeryHigh,
    txCount: a.txCount + b.txCount,
    txMicros: a.txMicros + b.txMicros,
    purchaseCount: a.purchaseCount + b.purchaseCount,
    byTokenChain: [...tc.values()],
    byDay: [...a.byDay, ...b.byDay].sort((x, y) => x.day.localeCompare(y.day)),
  };
}

/**
 * Pending queue and customers per risk level as they stood at `atMs`, from the KYC history: each unified
 * customer counts once, with the newest change any of its merged customers had by then.
 */
export async function kycSnapshot(db: Db, atMs: number): Promise<{ pendingQueue: number; riskLevels: Record<RiskLevel, number> }> {
  const rows = await db.all<{ status: string; level: RiskLevel | null; n: number }>(sql`
    SELECT status, level, count(*) AS n FROM (
      SELECT k.${K.toStatus} AS status, k.${K.toLevel} AS level,
             row_number() OVER (PARTITION BY c.${C.rootId} ORDER BY k.${K.at} DESC, k.${K.customerId} DESC, k.${K.id} DESC) AS rn
      FROM ${K.$} k JOIN ${C.$} c ON c.${C.id} = k.${K.customerId} WHERE k.${K.at} < ${atMs}
    ) WHERE rn = 1 GROUP BY status, level`);
  const riskLevels = Object.fromEntries(RISK_LEVELS.map((l) => [l, 0])) as Record<RiskLevel, number>;
  for (const r of rows) if (r.level) riskLevels[r.level] += num(r.n);
  return { pendingQueue: rows.filter((r) => r.status === 'pending').reduce((s, r) => s + num(r.n), 0), riskLevels };
}

/**
 * Count and USDT volume per unified customer over the live days, from `root_day_volume` (one row per
 * customer active on a day, kept by the database at every commit) instead of every transaction of
 * those days mapped to its root: at 1M customers a busy day has 136k transactions. One day with a
 * limit is read largest first straight from the (day, micros) index.
 */
export async function liveVolumeByRoot(db: Db, runs: [string, string][], limit?: number) {
  if (!runs.length) return [];
  const [V, ROOT, DAY, COUNT, MICROS] = [getTableName(rootDayVolume), ...columnsOf(rootDayVolume, ['rootId', 'day', 'count', 'micros'])].map((n) => sql.raw(n));
  const oneDay = runs.length === 1 && runs[0]![0] === runs[0]![1];
  const rows = oneDay
    ? await db.all<{ unified_id: string; count: number; micros: number }>(sql`
      SELECT ${ROOT} AS unified_id, ${COUNT} AS count, CAST(${MICROS} AS REAL) AS micros FROM ${V} WHERE ${DAY} = ${runs[0]![0]}
      ${limit === undefined ? sql`` : sql`ORDER BY ${MICROS} DESC, ${ROOT} LIMIT ${limit}`}`)
    : await db.all<{ unified_id: string; count: number; micros: number }>(sql`
      SELECT ${ROOT} AS unified_id, sum(${COUNT}) AS count, total(${MICROS}) AS micros FROM ${V}
      WHERE ${sql.join(runs.map(([a, b]) => sql`${DAY} BETWEEN ${a} AND ${b}`), sql` OR `)} GROUP BY ${ROOT}
      ${limit === undefined ? sql`` : sql`ORDER BY micros DESC, unified_id LIMIT ${limit}`}`);
  return rows.map((r) => ({ unified_id: r.unified_id, count: Number(r.count), micros: Number(r.micros) }));
}
