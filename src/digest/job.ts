import { and, eq, inArray } from 'drizzle-orm';
import { deliveries } from '../../db/schema/index.ts';
import { enqueueDeliveries, processDueDeliveries, type DeliveryDeps } from '../delivery/deliveries.ts';
import { computeRollup, unfinishedDays } from '../metrics/rollup.ts';
import { addDays, gmt8Day } from '../time.ts';
import { digestAudience } from './subscriptions.ts';

const target = (channelId: string) => `channel:${channelId}`;

/**
 * The 23:59 job: rolls up the GMT+8 day that is ending (and finishes any earlier day not final yet),
 * then makes one delivery row per subscribed channel under the unique key (channel, day) and sends.
 * Several instances may run it at once: only the instance that made a row sends it.
 */
export async function runDailyDigest(deps: DeliveryDeps, now: number) {
  const day = gmt8Day(now);
  for (const d of await unfinishedDays(deps.store, now)) await computeRollup(deps.store, d, now);
  await computeRollup(deps.store, day, now);
  const audience = await digestAudience(deps.store.db, day);
  const enqueued = await deps.store.write((tx) =>
    enqueueDeliveries(tx, audience.map((s) => ({ kind: 'digest' as const, subject: day, platform: s.platform, target: target(s.channelId) })), now),
  );
  const sent = await processDueDeliveries(deps);
  return { day, enqueued, ...sent };
}

/**
 * At start-up: a digest whose 23:59 passed while no instance was running is made now, labelled with
 * its own day. Channels subscribed after that day get nothing for it.
 */
export async function catchUpDigests(deps: DeliveryDeps, now: number, lookbackDays = 7) {
  const today = gmt8Day(now);
  const days = Array.from({ length: lookbackDays }, (_, i) => addDays(today, i - lookbackDays));
  let enqueued = 0;
  for (const d of await unfinishedDays(deps.store, now)) await computeRollup(deps.store, d, now);
  for (const day of days) {
    const audience = await digestAudience(deps.store.db, day);
    if (!audience.length) continue;
    const done = await deps.store.db
      .select({ target: deliveries.target, platform: deliveries.platform })
      .from(deliveries)
      .where(and(eq(deliveries.kind, 'digest'), eq(deliveries.subject, day), inArray(deliveries.target, audience.map((s) => target(s.channelId)))));
    const missing = audience.filter((s) => !done.some((x) => x.platform === s.platform && x.target === target(s.channelId)));
    if (!missing.length) continue;
    enqueued += await deps.store.write((tx) =>
      enqueueDeliveries(tx, missing.map((s) => ({ kind: 'digest' as const, subject: day, platform: s.platform, target: target(s.channelId) })), now),
    );
  }
  const sent = await processDueDeliveries(deps);
  return { enqueued, ...sent };
}
