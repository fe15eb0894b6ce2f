import { and, eq, lte } from 'drizzle-orm';
import type { Queryable, Store } from '../../db/client.ts';
import { digestSubscriptions, type ChatPlatform } from '../../db/schema/index.ts';
import { gmt8Day } from '../time.ts';

/** Subscribing again is harmless; the first day stays the day of the first subscription. */
export async function subscribeDigest(store: Store, s: { platform: ChatPlatform; channelId: string; by: string; now: number }): Promise<boolean> {
  const rows = await store.write((tx) =>
    tx
      .insert(digestSubscriptions)
      .values({ platform: s.platform, channelId: s.channelId, subscribedBy: s.by, firstDay: gmt8Day(s.now), createdAt: s.now })
      .onConflictDoNothing()
      .returning(),
  );
  return rows.length > 0;
}

export async function unsubscribeDigest(store: Store, s: { platform: ChatPlatform; channelId: string }): Promise<boolean> {
  const rows = await store.write((tx) =>
    tx.delete(digestSubscriptions).where(and(eq(digestSubscriptions.platform, s.platform), eq(digestSubscriptions.channelId, s.channelId))).returning(),
  );
  return rows.length > 0;
}

/** Channels that should get the digest of `day`: subscribed on or before it. */
export async function digestAudience(db: Queryable, day: string) {
  return db.select().from(digestSubscriptions).where(lte(digestSubscriptions.firstDay, day));
}
