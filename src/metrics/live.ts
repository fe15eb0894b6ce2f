import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { RISK_LEVELS, type RiskLevel } from '../../db/schema/constants.ts';
import { addDays, gmt8DayStart } from '../time.ts';
import type { DayRange } from './range.ts';

const usdt = (micros: number | null) => Math.round(Number(micros ?? 0) / 1e4) / 100;

export async function firstDataDay(db: Db): Promise<string | undefined> {
  const [row] = await db.all<{ day: string | null }>(sql`SELECT min(day) AS day FROM transactions`);
  return row?.day ?? undefined;
}

/**
 * Compliance and AssetPro figures for whole GMT+8 days, straight from the fact tables. Customers are
 * unified customers (merge roots); their KYC state is the newest state among the customers merged in.
 */
export async function liveMetrics(db: Db, range: DayRange, topN = 10) {
  const { from, to } = range;
  const fromMs = gmt8DayStart(from);
  const toMs = gmt8DayStart(addDays(to, 1));
  const [newCustomers] = await db.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM customers WHERE id = root_id AND created_at >= ${fromMs} AND created_at < ${toMs}`,
  );
  const changes = await db.all<{ submitted: number; verified: number; rejected: number; new_high: number; new_very_high: number }>(sql`
    SELECT
      coalesce(sum(to_status = 'pending' AND from_status <> 'pending'), 0) AS submitted,
      coalesce(sum(to_status = 'verified' AND from_status <> 'verified'), 0) AS verified,
      coalesce(sum(to_status = 'rejected' AND from_status <> 'rejected'), 0) AS rejected,
      coalesce(sum(to_level = 'high' AND coalesce(from_level, '') <> 'high'), 0) AS new_high,
      coalesce(sum(to_level = 'very_high' AND coalesce(from_level, '') <> 'very_high'), 0) AS new_very_high
    FROM kyc_changes WHERE day BETWEEN ${from} AND ${to}`);
  const current = await db.all<{ status: string; level: RiskLevel | null; n: number }>(sql`
    SELECT status, level, count(*) AS n FROM (
      SELECT k.status AS status, k.risk_level AS level,
             row_number() OVER (PARTITION BY c.root_id ORDER BY k.updated_at DESC) AS rn
      FROM kyc_states k JOIN customers c ON c.id = k.customer_id
    ) WHERE rn = 1 GROUP BY status, level`);
  const perLevel = Object.fromEntries(RISK_LEVELS.map((l) => [l, 0])) as Record<RiskLevel, number>;
  for (const r of current) if (r.level) perLevel[r.level] += Number(r.n);

  const [totals] = await db.all<{ n: number; micros: number | null }>(
    sql`SELECT count(*) AS n, sum(usdt_micros) AS micros FROM transactions WHERE day BETWEEN ${from} AND ${to}`,
  );
  const group = (col: 'token' | 'chain' | 'day') =>
    db.all<{ key: string; n: number; micros: number }>(
      sql`SELECT ${sql.raw(col)} AS key, count(*) AS n, sum(usdt_micros) AS micros FROM transactions
          WHERE day BETWEEN ${from} AND ${to} GROUP BY 1 ORDER BY ${sql.raw(col === 'day' ? '1' : '3 DESC')}`,
    );
  const [byToken, byChain, byDay, top] = await Promise.all([
    group('token'),
    group('chain'),
    group('day'),
    db.all<{ unified_id: string; n: number; micros: number }>(sql`
      SELECT c.root_id AS unified_id, count(*) AS n, sum(t.usdt_micros) AS micros
      FROM transactions t JOIN customers c ON c.id = t.customer_id
      WHERE t.day BETWEEN ${from} AND ${to} GROUP BY c.root_id ORDER BY micros DESC, unified_id LIMIT ${topN}`),
  ]);
  const c = changes[0]!;
  return {
    range: { from, to, label: range.label },
    compliance: {
      new_customers: Number(newCustomers?.n ?? 0),
      kyc_submitted: Number(c.submitted),
      kyc_verified: Number(c.verified),
      kyc_rejected: Number(c.rejected),
      pending_queue: current.filter((r) => r.status === 'pending').reduce((s, r) => s + Number(r.n), 0),
      customers_by_risk_level: perLevel,
      new_high_risk: Number(c.new_high),
      new_very_high_risk: Number(c.new_very_high),
    },
    assetpro: {
      transaction_count: Number(totals?.n ?? 0),
      transaction_value_usdt: usdt(totals?.micros ?? 0),
      by_token: byToken.map((r) => ({ token: r.key, count: Number(r.n), value_usdt: usdt(r.micros) })),
      by_chain: byChain.map((r) => ({ chain: r.key, count: Number(r.n), value_usdt: usdt(r.micros) })),
      by_day: byDay.map((r) => ({ day: r.key, count: Number(r.n), value_usdt: usdt(r.micros) })),
      top_customers: top.map((r) => ({ unified_id: r.unified_id, count: Number(r.n), value_usdt: usdt(r.micros) })),
    },
  };
}

export type Metrics = Awaited<ReturnType<typeof liveMetrics>>;
