import { and, eq, inArray, isNull, lte, ne, or } from 'drizzle-orm';
import type { Store, Tx } from '../../db/client.ts';
import { alerts, alertSubscriptions, deliveries } from '../../db/schema/index.ts';
import { enqueueDeliveries } from '../delivery/deliveries.ts';
import { matches } from './alert-subscriptions.ts';

/**
 * Turns new alerts into one delivery row per matching subscriber, and ended snoozes into a reminder for
 * everyone the alert reached. Rows are unique per (alert, subscriber) and per (alert and snooze,
 * subscriber), so two instances fanning out at once still make one delivery each.
 */
export async function fanOutAlerts(store: Store, now: number, limit = 200): Promise<number> {
  return store.write(async (tx) => {
    let made = await remindSnoozed(tx, now, limit);
    const pending = await tx.select().from(alerts).where(isNull(alerts.fannedOutAt)).orderBy(alerts.id).limit(limit);
    if (!pending.length) return made;
    const subs = await tx.select().from(alertSubscriptions);
    const rows = pending.flatMap((a) =>
      subs.filter((s) => matches(a, s)).map((s) => ({ kind: 'alert' as const, subject: String(a.id), platform: s.platform, target: s.target })),
    );
    // A target with several matching subscriptions (kyc and all, say) still gets the alert once.
    const unique = [...new Map(rows.map((r) => [`${r.subject}|${r.platform}|${r.target}`, r])).values()];
    made += await enqueueDeliveries(tx, unique, now);
    await tx.update(alerts).set({ fannedOutAt: now }).where(inArray(alerts.id, pending.map((a) => a.id)));
    return made;
  });
}

/** The subject of a reminder delivery: the alert and the snooze it ends, so a later snooze reminds again. */
export const reminderSubject = (alertId: number, snoozedUntil: number) => `${alertId}:${snoozedUntil}`;

/**
 * A snooze that ended on an alert still open sends the alert again, once per snooze, to every
 * conversation the alert was delivered to (a resolved alert stays quiet).
 */
async function remindSnoozed(tx: Tx, now: number, limit: number): Promise<number> {
  const due = await tx
    .select({ id: alerts.id, until: alerts.snoozedUntil })
    .from(alerts)
    .where(and(lte(alerts.snoozedUntil, now), isNull(alerts.resolvedAt), or(isNull(alerts.remindedFor), ne(alerts.remindedFor, alerts.snoozedUntil))))
    .limit(limit);
  let made = 0;
  for (const a of due) {
    const reached = await tx
      .select({ platform: deliveries.platform, target: deliveries.target })
      .from(deliveries)
      .where(and(eq(deliveries.kind, 'alert'), eq(deliveries.subject, String(a.id)), eq(deliveries.status, 'sent')));
    made += await enqueueDeliveries(tx, reached.map((r) => ({ kind: 'reminder' as const, subject: reminderSubject(a.id, a.until!), platform: r.platform, target: r.target })), now);
    await tx.update(alerts).set({ remindedFor: a.until }).where(and(eq(alerts.id, a.id), eq(alerts.snoozedUntil, a.until!)));
  }
  return made;
}
