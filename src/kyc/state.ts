import { desc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.ts';
import { customers, kycCounts, kycStates, RISK_LEVELS, type RiskLevel } from '../../db/schema/index.ts';
import type { KycView } from '../alerts/outbox.ts';

/** The unified customer's current KYC state: the newest state held by any customer merged into it (ties: the later customer id). */
export async function currentKyc(db: Queryable, unifiedId: string): Promise<(KycView & { customerId: string }) | undefined> {
  const group = db.select({ id: customers.id }).from(customers).where(eq(customers.rootId, unifiedId));
  const [row] = await db.select().from(kycStates).where(inArray(kycStates.customerId, group)).orderBy(desc(kycStates.updatedAt), desc(kycStates.customerId)).limit(1);
  return row && { customerId: row.customerId, status: row.status, riskScore: row.riskScore, riskLevel: row.riskLevel };
}

/** Moves unified customers between the buckets of `kyc_counts`: every state in `from` leaves, every one in `to` arrives. */
export async function shiftKycCounts(tx: Tx, from: (KycView | undefined)[], to: (KycView | undefined)[]): Promise<void> {
  const delta = new Map<string, number>();
  const add = (v: KycView | undefined, d: number) => {
    if (!v) return;
    const key = `${v.status}\u0000${v.riskLevel ?? ''}`;
    delta.set(key, (delta.get(key) ?? 0) + d);
  };
  from.forEach((v) => add(v, -1));
  to.forEach((v) => add(v, +1));
  for (const [key, d] of delta) {
    if (d === 0) continue;
    const [status, level] = key.split('\u0000') as [KycView['status'], string];
    await tx
      .insert(kycCounts)
      .values({ status, level, n: d })
      .onConflictDoUpdate({ target: [kycCounts.status, kycCounts.level], set: { n: sql`${kycCounts.n} + ${d}` } });
  }
}

/** Pending queue and customers per risk level right now, from the counters. */
export async function kycNow(db: Queryable): Promise<{ pendingQueue: number; riskLevels: Record<RiskLevel, number> }> {
  const rows = await db.select().from(kycCounts);
  const riskLevels = Object.fromEntries(RISK_LEVELS.map((l) => [l, 0])) as Record<RiskLevel, number>;
  for (const r of rows) if (r.level) riskLevels[r.level as RiskLevel] += r.n;
  return { pendingQueue: rows.filter((r) => r.status === 'pending').reduce((s, r) => s + r.n, 0), riskLevels };
}
