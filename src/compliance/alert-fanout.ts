import { inArray, isNull } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { alerts, alertSubscriptions } from '../../db/schema/index.ts';
import { enqueueDeliveries } from '../delivery/deliveries.ts';
import { matches } from './alert-subscriptions.ts';

/**
 * Turns new alerts into one delivery row per matching subscriber. Rows are unique per (alert, subscriber),
 * so two instances fanning out the same alert at once still make one delivery each.
 */
export async function fanOutAlerts(store: Store, now: number, limit = 200): Promise<number> {
  return store.write(async (tx) => {
    const pending = await tx.select().from(alerts).where(isNull(alerts.fannedOutAt)).orderBy(alerts.id).limit(limit);
    if (!pending.length) return 0;
    const subs = await tx.select().from(alertSubscriptions);
    const rows = pending.flatMap((a) =>
      subs.filter((s) => matches(a, s)).map((s) => ({ kind: 'alert' as const, subject: String(a.id), platform: s.platform, target: s.target })),
    );
    // A target with several matching subscriptions (kyc and all, say) still gets the alert once.
    const unique = [...new Map(rows.map((r) => [`${r.subject}|${r.platform}|${r.target}`, r])).values()];
    const made = await enqueueDeliveries(tx, unique, now);
    await tx.update(alerts).set({ fannedOutAt: now }).where(inArray(alerts.id, pending.map((a) => a.id)));
    return made;
  });
}
