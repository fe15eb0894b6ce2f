import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { dailyCustomerVolume, dailyRollups, dailyTxRollups, kycChanges, rollupDirtyDays, transactions } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import { addDays, gmt8Day, gmt8DayStart } from '../time.ts';
import { kycNow } from '../compliance/kyc-state.ts';
import { kycSnapshot, liveFigures } from './figures.ts';
import { putDayIn, takeDayOut } from './root-volume.ts';

// Names from the drizzle tables (db/sql-names.ts).
const [V, T, K, R, DD] = [sqlNames(dailyCustomerVolume), sqlNames(transactions), sqlNames(kycChanges), sqlNames(dailyRollups), sqlNames(rollupDirtyDays)];

/**
 * Computes the 🐢 rollup of one GMT+8 day and replaces any earlier one, in one transaction. Run at 23:59
 * for the day that is ending (its digest), and again later for any day that was not final yet.
 */
export async function computeRollup(store: Store, day: string, now: number): Promise<void> {
  const end = Math.min(now, gmt8DayStart(addDays(day, 1)));
  const final = now >= gmt8DayStart(addDays(day, 1));
  await store.write(async (tx) => {
    const [old] = await tx.select({ inTotals: dailyRollups.inTotals }).from(dailyRollups).where(eq(dailyRollups.day, day));
    if (old?.inTotals) await takeDayOut(tx, day);
    const f = await liveFigures(tx, day, day);
    // While the day runs, the counters are the state at its end so far; a past day needs its history.
    const snap = end >= now ? await kycNow(tx) : await kycSnapshot(tx, end);
    await tx.delete(dailyTxRollups).where(eq(dailyTxRollups.day, day));
    await tx.delete(dailyCustomerVolume).where(eq(dailyCustomerVolume.day, day));
    if (f.byTokenChain.length) await tx.insert(dailyTxRollups).values(f.byTokenChain.map((r) => ({ day, ...r })));
    await tx.run(sql`
      INSERT INTO ${V.$} (${V.day}, ${V.customerId}, ${V.count}, ${V.micros})
      SELECT ${T.day}, ${T.customerId}, count(*), total(${T.usdtMicros}) FROM ${T.$} WHERE ${T.day} = ${day} GROUP BY ${T.customerId}`);
    const row = {
      day, newCustomers: f.newCustomers, kycSubmitted: f.kycSubmitted, kycVerified: f.kycVerified, kycRejected: f.kycRejected, newHigh: f.newHigh, newVeryHigh: f.newVeryHigh,
      pendingQueue: snap.pendingQueue, riskLevels: snap.riskLevels, txCount: f.txCount, txMicros: f.txMicros, purchaseCount: f.purchaseCount, computedAt: now,
      inTotals: final ? 1 : 0,
    };
    // Only a final day counts into the volume scopes; a day still running is read live instead.
    await tx.insert(dailyRollups).values(row).onConflictDoUpdate({ target: dailyRollups.day, set: row });
    if (final) await putDayIn(tx, day);
    await tx.delete(rollupDirtyDays).where(eq(rollupDirtyDays.day, day));
  });
}

/** Days before today whose rollup is missing, was taken before the day ended, or was touched since. */
export async function unfinishedDays(store: Store, now: number, lookbackDays = 45): Promise<string[]> {
  const today = gmt8Day(now);
  const from = addDays(today, -lookbackDays);
  const [rolled, dirty, active] = await Promise.all([
    store.db.select({ day: dailyRollups.day, computedAt: dailyRollups.computedAt }).from(dailyRollups).where(and(gte(dailyRollups.day, from), lt(dailyRollups.day, today))),
    store.db.select({ day: rollupDirtyDays.day }).from(rollupDirtyDays),
    store.db.all<{ day: string }>(sql`SELECT DISTINCT ${T.day} FROM ${T.$} WHERE ${T.day} >= ${from} AND ${T.day} < ${today}
      UNION SELECT DISTINCT ${K.day} FROM ${K.$} WHERE ${K.day} >= ${from} AND ${K.day} < ${today}`),
  ]);
  const final = new Set(rolled.filter((r) => r.computedAt >= gmt8DayStart(addDays(r.day, 1))).map((r) => r.day));
  for (const d of dirty) final.delete(d.day);
  const days = new Set([...active.map((a) => a.day), ...rolled.map((r) => r.day), ...dirty.map((d) => d.day).filter((d) => d < today)]);
  return [...days].filter((d) => !final.has(d)).sort();
}

/** Ingest calls this for the past days a batch touched, so their rollups are recomputed before use. */
export const markDirtySql = (days: string[], now: number) =>
  sql`INSERT OR IGNORE INTO ${DD.$} (${DD.day}, ${DD.markedAt}) SELECT ${R.day}, ${now} FROM ${R.$} WHERE ${R.day} IN (${sql.join(days.map((d) => sql`${d}`), sql`, `)})`;
