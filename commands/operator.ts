import { readAudit } from '../src/access/audit.ts';
import { splitCustomer, type SplitResult } from '../src/identity/split.ts';
import type { CommandContext } from './types.ts';

/**
 * The terminal's operations (`audit`, `split`; `conflicts` is in conflicts.ts, shared with chat): not slash commands, but still rules, so the
 * CLI reaches them here like every other adapter reaches theirs.
 */

/** Who looked up whom since `since` (ms), newest first. */
export const auditTrail = (since: number, ctx: Pick<CommandContext, 'store'>) => readAudit(ctx.store.db, since);


/** Undoes the merge that folded `unifiedId` into another customer, in one transaction. */
export function splitMerge(unifiedId: string, by: string, ctx: Pick<CommandContext, 'store' | 'clock'>): Promise<SplitResult> {
  return ctx.store.write((tx) => splitCustomer(tx, unifiedId.trim(), by, ctx.clock().getTime()));
}
