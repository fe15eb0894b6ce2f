import { and, eq, isNull } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { alerts, type Alert } from '../../db/schema/index.ts';
import { enqueueAlertEdits, type ShownIn } from './alert-copies.ts';

/** The first acknowledgement is kept (and shown on every copy of the alert); a later click just sees who got there first. */
export async function acknowledgeAlert(store: Store, id: number, by: string, now: number, shownIn?: ShownIn): Promise<Alert | undefined> {
  return store.write(async (tx) => {
    const [updated] = await tx.update(alerts).set({ acknowledgedBy: by, acknowledgedAt: now }).where(and(eq(alerts.id, id), isNull(alerts.acknowledgedBy))).returning();
    if (updated) {
      await enqueueAlertEdits(tx, id, 'ack', now, shownIn);
      return updated;
    }
    const [existing] = await tx.select().from(alerts).where(eq(alerts.id, id));
    return existing;
  });
}
