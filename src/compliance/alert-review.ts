import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { alerts, type Alert } from '../../db/schema/index.ts';
import { writeAuditIn } from '../access/audit.ts';
import { enqueueAlertEdits, type ShownIn } from './alert-copies.ts';

export const ALERT_REVIEW_ACTIONS = ['claim', 'resolve', 'snooze'] as const;
export type AlertReviewAction = (typeof ALERT_REVIEW_ACTIONS)[number];

export interface Reviewer {
  platform: 'slack' | 'discord' | 'cli';
  userId: string;
  channelId?: string;
}

export type ReviewChange =
  | { action: 'claim' }
  | { action: 'resolve'; note: string }
  | { action: 'snooze'; until: number };

/** `won`: this call changed the alert; otherwise it shows who got there first (or that it is resolved). */
export interface AlertReviewResult {
  alert: Alert;
  won: boolean;
}

/**
 * Claim, resolve and snooze as conditional updates, so the database decides who is first on any number
 * of instances: a claim only lands on an unclaimed, open alert, a resolution only on an open one, a
 * snooze on any open one (the newest snooze counts). The audit row and the edits of every copy of the
 * alert's message (but the one clicked, which the click's answer updates) commit with the change.
 */
export async function reviewAlert(store: Store, id: number, by: Reviewer, change: ReviewChange, now: number, shownIn?: ShownIn): Promise<AlertReviewResult | undefined> {
  const who = `${by.platform}:${by.userId}`;
  const open = isNull(alerts.resolvedAt);
  const [set, where]: [Partial<typeof alerts.$inferInsert>, SQL] =
    change.action === 'claim'
      ? [{ claimedBy: who, claimedAt: now }, and(open, isNull(alerts.claimedBy))!]
      : change.action === 'resolve'
        ? [{ resolvedBy: who, resolvedAt: now, resolutionNote: change.note }, open]
        : [{ snoozedBy: who, snoozedUntil: change.until }, open];
  return store.write(async (tx) => {
    const [updated] = await tx.update(alerts).set(set).where(and(eq(alerts.id, id), where)).returning();
    if (updated) {
      const what = change.action === 'snooze' ? `alerts snooze #${id} until ${new Date(change.until).toISOString()}` : `alerts ${change.action} #${id}`;
      await writeAuditIn(tx, { at: now, platform: by.platform, callerId: by.userId, channelId: by.channelId, command: what, unifiedId: updated.unifiedId });
      await enqueueAlertEdits(tx, id, change.action === 'snooze' ? `snooze:${change.until}` : change.action, now, shownIn);
      return { alert: updated, won: true };
    }
    const [existing] = await tx.select().from(alerts).where(eq(alerts.id, id));
    return existing && { alert: existing, won: false };
  });
}
