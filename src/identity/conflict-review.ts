import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { customers, identityConflicts, type ConflictResolution, type IdentityConflict } from '../../db/schema/index.ts';
import { writeAuditIn } from '../access/audit.ts';
import type { IdentityConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { applyReviewedIdentity } from '../ingest/ingest.ts';
import { IDENTIFIER_TYPES, IdentifierError, normalizeWallet, type IdentifierType, type WalletChain } from './normalize.ts';

export interface ReviewActor {
  platform: 'slack' | 'discord' | 'cli';
  userId: string;
  channelId?: string;
}

export type ReviewOutcome =
  | { done: 'approved'; conflict: IdentityConflict; merged?: { keep: string; fold: string }; linked?: { unifiedId: string; already: boolean } }
  | { done: 'dismissed'; conflict: IdentityConflict }
  /** someone resolved it first (or it was already resolved): nothing changed */
  | { done: 'already'; conflict: IdentityConflict };

const rootOf = async (tx: Parameters<Parameters<Store['write']>[0]>[0], id: string) => {
  const [c] = await tx.select({ rootId: customers.rootId }).from(customers).where(eq(customers.id, id));
  if (!c) throw new AppError('not_found', `customer ${id} of this conflict no longer exists`, 409);
  return c.rootId;
};

/**
 * The wallet a limit conflict refused, as ingest would link it: the chain kept with the conflict and
 * the address from the key (`<family>:<address>`), checked again. Conflicts kept before migration 0013
 * have no chain: the link cannot be made as it would have been, so they can only be dismissed.
 */
function walletOf(c: IdentityConflict): { chain: WalletChain; address: string } {
  const value = c.identifierValue ?? '';
  if (!c.identifierChain) {
    throw new AppError('wallet_without_chain', `conflict #${c.id} was kept before User 360 recorded a refused wallet's chain, so it cannot be approved; dismiss it, and send the record again after raising IDENTIFIER_LIMITS (wallet=…)`, 409);
  }
  try {
    const w = normalizeWallet(c.identifierChain, value.slice(value.indexOf(':') + 1));
    if (w.key === value) return { chain: w.chain, address: w.address };
  } catch (e) {
    if (!(e instanceof IdentifierError)) throw e;
  }
  throw new AppError('bad_wallet', `conflict #${c.id} holds a wallet that is not valid on ${c.identifierChain}; dismiss it`, 409);
}

/**
 * A person's decision on a conflict the identity guards kept, in one transaction: the conflict is
 * claimed with a conditional update first (only an open one changes), so of two approvals at once on
 * one or several instances exactly one merges and the other answers "already approved"; then the merge
 * or link goes through the ingest's own path, and the audit row commits with it.
 */
export async function reviewConflict(
  store: Store, identity: IdentityConfig,
  a: { id: number; decision: ConflictResolution; note?: string; by: ReviewActor; now: number },
): Promise<ReviewOutcome> {
  const actor = `${a.by.platform}:${a.by.userId}`;
  return store.write(async (tx) => {
    const [claimed] = await tx
      .update(identityConflicts)
      .set({ resolvedAt: a.now, resolution: a.decision, resolvedBy: actor, resolutionNote: a.note ?? null })
      .where(and(eq(identityConflicts.id, a.id), isNull(identityConflicts.resolvedAt)))
      .returning();
    if (!claimed) {
      const [existing] = await tx.select().from(identityConflicts).where(eq(identityConflicts.id, a.id));
      if (!existing) throw new AppError('not_found', `no identity conflict #${a.id}`, 404);
      return { done: 'already', conflict: existing };
    }
    const audit = (unifiedId: string | null) =>
      writeAuditIn(tx, { at: a.now, platform: a.by.platform, callerId: a.by.userId, channelId: a.by.channelId, command: `conflicts ${a.decision === 'approved' ? 'approve' : 'dismiss'} #${a.id}`, unifiedId });
    if (a.decision === 'dismissed') {
      await audit(claimed.customerIds[0] ?? null);
      return { done: 'dismissed', conflict: claimed };
    }
    const ref = { at: a.now, record: claimed.recordType ? { type: claimed.recordType, id: claimed.recordId ?? undefined } : undefined };
    const key = claimed.identifierType && claimed.identifierValue ? { type: claimed.identifierType, value: claimed.identifierValue } : undefined;
    const roots = [...new Set(await Promise.all(claimed.customerIds.map((id) => rootOf(tx, id))))];
    if (claimed.customerIds.length >= 2) {
      // Both may have merged elsewhere since; what counts is who they answer to now.
      if (roots.length < 2) {
        await audit(roots[0]!);
        return { done: 'approved', conflict: claimed, merged: { keep: roots[0]!, fold: roots[0]! } };
      }
      const merged = await applyReviewedIdentity(tx, identity, a.now, actor, { merge: [roots[0]!, roots[1]!], key }, ref);
      await audit(merged.keep);
      return { done: 'approved', conflict: claimed, merged: { keep: merged.keep, fold: merged.fold! } };
    }
    if (!key || !(IDENTIFIER_TYPES as readonly string[]).includes(key.type)) throw new AppError('nothing_to_link', `conflict #${a.id} names no identifier to link; dismiss it instead`, 409);
    const id = { type: key.type as IdentifierType, value: key.value, wallet: key.type === 'wallet' ? walletOf(claimed) : undefined };
    const r = await applyReviewedIdentity(tx, identity, a.now, actor, { link: roots[0]!, id, seenAt: claimed.createdAt }, ref);
    await audit(r.keep);
    if (r.fold) return { done: 'approved', conflict: claimed, linked: { unifiedId: r.keep, already: false }, merged: { keep: r.keep, fold: r.fold } };
    return { done: 'approved', conflict: claimed, linked: { unifiedId: r.keep, already: r.linked === 'already' } };
  });
}

/** Open conflicts by id, for the review list's buttons after a decision. */
export async function conflictsById(store: Store, ids: number[]) {
  return ids.length ? store.db.select().from(identityConflicts).where(inArray(identityConflicts.id, ids)) : [];
}
