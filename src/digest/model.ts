import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { dailyRollups } from '../../db/schema/index.ts';
import { queryMetrics } from '../metrics/query.ts';
import { addDays, gmt8DayStart } from '../time.ts';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The figures of SPEC §4 for one GMT+8 day. Read after the day's rollup ran, so past days come from
 * rollups and the figures agree with `metrics` for the same day.
 */
export async function buildDigest(db: Db, day: string, now: number) {
  const asOf = Math.min(now, gmt8DayStart(addDays(day, 1)) - 1);
  const range = (from: string, to: string) => queryMetrics(db, { from, to, label: `${from}..${to}` }, asOf, 5);
  const [today, yesterday, week, month] = await Promise.all([
    range(day, day),
    range(addDays(day, -1), addDays(day, -1)),
    range(addDays(day, -7), addDays(day, -1)),
    range(addDays(day, -29), day),
  ]);
  // The queue and the levels as they stood at the day's end: the rollup's snapshot, when the day has one.
  const [rolled] = await db.select({ pendingQueue: dailyRollups.pendingQueue, riskLevels: dailyRollups.riskLevels }).from(dailyRollups).where(eq(dailyRollups.day, day));
  const snapshot = rolled ? { pending: rolled.pendingQueue, levels: rolled.riskLevels as typeof today.compliance.customers_by_risk_level } : null;
  const value = today.assetpro.transaction_value_usdt;
  const prev = yesterday.assetpro.transaction_value_usdt;
  const avg7 = round2(week.assetpro.transaction_value_usdt / 7);
  const change = (base: number) => ({ base, delta: round2(value - base), percent: base ? round2(((value - base) / base) * 100) : null });
  const byDay = new Map(month.assetpro.by_day.map((d) => [d.day, d.value_usdt]));
  return {
    day,
    customers: { new: today.compliance.new_customers },
    kyc: {
      submitted: today.compliance.kyc_submitted,
      verified: today.compliance.kyc_verified,
      rejected: today.compliance.kyc_rejected,
      pending_queue: snapshot?.pending ?? today.compliance.pending_queue,
    },
    risk: {
      by_level: snapshot?.levels ?? today.compliance.customers_by_risk_level,
      new_high: today.compliance.new_high_risk,
      new_very_high: today.compliance.new_very_high_risk,
    },
    transactions: {
      count: today.assetpro.transaction_count,
      value_usdt: value,
      vs_previous_day: change(prev),
      vs_7day_average: change(avg7),
      by_token: today.assetpro.by_token,
      by_chain: today.assetpro.by_chain,
    },
    top_customers: today.assetpro.top_customers,
    series: Array.from({ length: 30 }, (_, i) => addDays(day, i - 29)).map((d) => ({ day: d, value_usdt: byDay.get(d) ?? 0 })),
  };
}

export type Digest = Awaited<ReturnType<typeof buildDigest>>;
