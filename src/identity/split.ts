import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { customers, merges } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import { AppError } from '../errors.ts';
import { currentKyc, shiftKycCounts } from '../compliance/kyc-state.ts';
import { firstSeenDays } from '../metrics/figures.ts';
import { markDirtySql } from '../metrics/rollup.ts';
import { recountTotals } from '../metrics/root-volume.ts';
import { refreshAudience } from '../audience/index-rows.ts';
import { gmt8Day } from '../time.ts';

export interface SplitResult {
  restored: string;
  from: string;
  mergeId: number;
}

/**
 * Undoes the merge that folded `customerId` into another customer: it and everything merged into it
 * since answer to it again, with the identifiers and facts they brought. The pair is then kept apart:
 * identity resolution will not merge them again on its own.
 */
const C = sqlNames(customers);

export async function splitCustomer(tx: Tx, customerId: string, actor: string, now: number): Promise<SplitResult> {
  const [customer] = await tx.select().from(customers).where(eq(customers.id, customerId));
  if (!customer) throw new AppError('not_found', `no customer ${customerId}`, 404);
  if (!customer.parentId) {
    const folded = await tx
      .select({ loserId: merges.loserId })
      .from(merges)
      .where(and(eq(merges.winnerId, customerId), isNull(merges.splitAt)))
      .orderBy(desc(merges.createdAt));
    const hint = folded.length ? ` Customers merged into it: ${folded.map((f) => f.loserId).join(', ')}; split one of those.` : '';
    throw new AppError('not_merged', `${customerId} was not merged into another customer.${hint}`, 409);
  }
  const [merge] = await tx
    .select()
    .from(merges)
    .where(and(eq(merges.loserId, customerId), eq(merges.winnerId, customer.parentId), isNull(merges.splitAt)))
    .orderBy(desc(merges.createdAt))
    .limit(1);
  if (!merge) throw new AppError('no_merge_log', `no open merge log entry for ${customerId}`, 409);

  const before = await currentKyc(tx, customer.rootId);
  const firstDays = await firstSeenDays(tx, [customer.rootId]);
  await tx.update(customers).set({ parentId: null }).where(eq(customers.id, customerId));
  await tx.run(sql`
    WITH RECURSIVE subtree(id) AS (
      SELECT ${customerId}
      UNION ALL SELECT c.${C.id} FROM ${C.$} c JOIN subtree s ON c.${C.parentId} = s.id
    )
    UPDATE ${C.$} SET ${C.rootId} = ${customerId} WHERE ${C.id} IN (SELECT id FROM subtree)`);
  await tx.update(merges).set({ splitAt: now, splitBy: actor }).where(eq(merges.id, merge.id));
  await shiftKycCounts(tx, [before], [await currentKyc(tx, customer.rootId), await currentKyc(tx, customerId)]);
  await recountTotals(tx, [customer.rootId, customerId]);
  await refreshAudience(tx, [customer.rootId, customerId]);
  // Each is a customer of its own again, new on its own first day: those days' rollups are recomputed.
  const days = [...new Set([...firstDays, ...(await firstSeenDays(tx, [customer.rootId, customerId]))])].filter((d) => d < gmt8Day(now));
  if (days.length) await tx.run(markDirtySql(days, now));
  return { restored: customerId, from: customer.rootId, mergeId: merge.id };
}
