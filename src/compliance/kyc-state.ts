import { sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../../db/client.ts';
import { customers, kycCounts, kycStates, RISK_LEVELS, type RiskLevel } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import type { KycView } from './alert-outbox.ts';

/** The unified customer's current KYC state: the newest state held by any customer merged into it (ties: the later customer id). */
export type CurrentKyc = KycView & { customerId: string; updatedAt: number };

/** Whether a state set by `customerId` at `at` becomes the unified state over `current` (same order as currentKyc). */
export const supersedes = (at: number, customerId: string, current: CurrentKyc | undefined) =>
  !current || at > current.updatedAt || (at === current.updatedAt && customerId >= current.customerId);

const [c, k] = [sqlNames(customers), sqlNames(kycStates)];

export async function currentKyc(db: Queryable, unifiedId: string): Promise<CurrentKyc | undefined> {
  // CROSS JOIN keeps SQLite walking from the customer's group into kyc_states by key; left to itself
  // it may scan every KYC state in updated_at order to satisfy the ORDER BY ... LIMIT 1.
  const [row] = await db.all<{ customer_id: string; status: KycView['status']; risk_score: number | null; risk_level: KycView['riskLevel']; updated_at: number }>(sql`
    SELECT k.${k.customerId}, k.${k.status}, k.${k.riskScore}, k.${k.riskLevel}, k.${k.updatedAt} FROM ${c.$} c CROSS JOIN ${k.$} k ON k.${k.customerId} = c.${c.id}
    WHERE c.${c.rootId} = ${unifiedId} ORDER BY k.${k.updatedAt} DESC, k.${k.customerId} DESC LIMIT 1`);
  return row && { customerId: row.customer_id, status: row.status, riskScore: row.risk_score, riskLevel: row.risk_level, updatedAt: Number(row.updated_at) };
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
