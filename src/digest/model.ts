import { and, between, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { dailyRollups, transactions } from '../../db/schema/index.ts';
import { queryMetrics } from '../metrics/query.ts';
import { subscribedSegmentFigures } from '../audience/segment-view.ts';
import { addDays, DAY_MS, GMT8_OFFSET_MS, gmt8DayStart } from '../time.ts';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The figures of SPEC §4 for one GMT+8 day (`preview`: asked for on demand, maybe before the day ends). Read after the day's rollup ran, so past days come from
 * rollups and the figures agree with `metrics` for the same day.
 */
export async function buildDigest(db: Db, day: string, now: number, opts: { preview?: boolean } = {}) {
  const asOf = Math.min(now, gmt8DayStart(addDays(day, 1)) - 1);
  const range = (from: string, to: string) => queryMetrics(db, { from, to, label: `${from}..${to}` }, asOf, 5);
  const [today, yesterday, week, month, segments] = await Promise.all([
    range(day, day),
    range(addDays(day, -1), addDays(day, -1)),
    range(addDays(day, -7), addDays(day, -1)),
    range(addDays(day, -29), day),
    subscribedSegmentFigures(db, gmt8DayStart(day), asOf + 1),
  ]);
  // The queue and the levels as they stood at the day's end: the rollup's snapshot, when the day has one.
  const [rolled] = await db.select({ pendingQueue: dailyRollups.pendingQueue, riskLevels: dailyRollups.riskLevels }).from(dailyRollups).where(eq(dailyRollups.day, day));
  const snapshot = rolled ? { pending: rolled.pendingQueue, levels: rolled.riskLevels as typeof today.compliance.customers_by_risk_level } : null;
  const value = today.assetpro.transaction_value_usdt;
  // A preview of a day still running is the day so far, compared with the same hours of the days
  // before it, not with whole days. The 23:59 digest is the day's own and compares whole days.
  const partial = Boolean(opts.preview) && asOf < gmt8DayStart(addDays(day, 1)) - 1;
  const elapsed = asOf - gmt8DayStart(day);
  const sameHours = partial ? await valueBefore(db, addDays(day, -7), addDays(day, -1), elapsed) : undefined;
  const prev = sameHours ? (sameHours.get(addDays(day, -1)) ?? 0) : yesterday.assetpro.transaction_value_usdt;
  const avg7 = round2((sameHours ? [...sameHours.values()].reduce((a, b) => a + b, 0) : week.assetpro.transaction_value_usdt) / 7);
  const change = (base: number) => ({ base, delta: round2(value - base), percent: base ? round2(((value - base) / base) * 100) : null });
  const byDay = new Map(month.assetpro.by_day.map((d) => [d.day, d.value_usdt]));
  return {
    day,
    /** True while the day runs: the figures are the day so far, compared up to the same time of day. */
    partial,
    /** The figures' time, epoch ms (the end of the day for a past day). */
    as_of: asOf,
    /** GMT+8 time of day the comparisons run to, for a partial day (`14:05`). */
    compared_until: partial ? new Date(asOf + GMT8_OFFSET_MS).toISOString().slice(11, 16) : null,
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
    /** Each segment someone follows: its size at the day's end (or now) and who entered and left that day. */
    segments,
    series: Array.from({ length: 30 }, (_, i) => addDays(day, i - 29)).map((d) => ({ day: d, value_usdt: byDay.get(d) ?? 0 })),
  };
}

export type Digest = Awaited<ReturnType<typeof buildDigest>>;

/** USDT value per day of `from`..`to`, counting only each day's first `elapsed` ms (GMT+8). */
async function valueBefore(db: Db, from: string, to: string, elapsed: number): Promise<Map<string, number>> {
  const rows = await db
    .select({ day: transactions.day, micros: sql<number>`sum(${transactions.usdtMicros})` })
    .from(transactions)
    .where(and(between(transactions.day, from, to), sql`(${transactions.at} + ${GMT8_OFFSET_MS}) % ${DAY_MS} <= ${elapsed}`))
    .groupBy(transactions.day);
  return new Map(rows.map((r) => [r.day, Math.round(Number(r.micros) / 1e4) / 100]));
}
