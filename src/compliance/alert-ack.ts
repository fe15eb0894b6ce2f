import { and, eq, isNull } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { alerts, type Alert } from '../../db/schema/index.ts';

/** The first acknowledgement is kept; a later click just sees who got there first. */
export async function acknowledgeAlert(store: Store, id: number, by: string, now: number): Promise<Alert | undefined> {
  return store.write(async (tx) => {
    const [updated] = await tx.update(alerts).set({ acknowledgedBy: by, acknowledgedAt: now }).where(and(eq(alerts.id, id), isNull(alerts.acknowledgedBy))).returning();
    if (updated) return updated;
    const [existing] = await tx.select().from(alerts).where(eq(alerts.id, id));
    return existing;
  });
}
