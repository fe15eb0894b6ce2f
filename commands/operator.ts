import { readAudit } from '../src/access/audit.ts';
import { maskIdentifier } from '../src/access/mask.ts';
import { listConflicts } from '../src/identity/conflicts.ts';
import { splitCustomer, type SplitResult } from '../src/identity/split.ts';
import type { CommandContext } from './types.ts';

/**
 * The terminal's operations (`audit`, `conflicts`, `split`): not slash commands, but still rules, so the
 * CLI reaches them here like every other adapter reaches theirs.
 */

/** Who looked up whom since `since` (ms), newest first. */
export const auditTrail = (since: number, ctx: Pick<CommandContext, 'store'>) => readAudit(ctx.store.db, since);

/** Links and merges the identity guards refused; the identifier is shown masked, as it always was here. */
export async function identityConflicts(opts: { all?: boolean }, ctx: Pick<CommandContext, 'store'>) {
  const rows = await listConflicts(ctx.store.db, opts);
  return rows.map((c) => ({ ...c, identifierShown: c.identifierType ? maskIdentifier(c.identifierType, c.identifierValue ?? '') : null }));
}

/** Undoes the merge that folded `unifiedId` into another customer, in one transaction. */
export function splitMerge(unifiedId: string, by: string, ctx: Pick<CommandContext, 'store' | 'clock'>): Promise<SplitResult> {
  return ctx.store.write((tx) => splitCustomer(tx, unifiedId.trim(), by, ctx.clock().getTime()));
}
