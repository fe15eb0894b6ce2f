import { and, eq, sql } from 'drizzle-orm';
import type { Queryable, Store } from '../../db/client.ts';
import { deliveries, type Delivery } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import type { Logger } from '../logger.ts';
import { DeliveryError, parseTarget, type Notifiers, type OutgoingMessage } from './notifiers/types.ts';
import type { Clock } from '../time.ts';

export type NewDelivery = Pick<typeof deliveries.$inferInsert, 'kind' | 'subject' | 'platform' | 'target'>;

export interface RetryPolicy {
  baseMs: number;
  maxBackoffMs: number;
  /** After this long since the row was made, a delivery is given up and marked failed. */
  giveUpAfterMs: number;
  leaseMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 2_000, maxBackoffMs: 10 * 60_000, giveUpAfterMs: 6 * 60 * 60_000, leaseMs: 60_000 };

export interface DeliveryDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  notifiers: Notifiers;
  /** Builds the message of a delivery from the database at send time, so nothing lives only in memory. */
  render(d: Delivery): Promise<OutgoingMessage | null>;
  retry?: RetryPolicy;
  random?: () => number;
}

/**
 * Inserts delivery rows under their unique key; a row that already exists belongs to whoever made it.
 * Returns how many rows this call made.
 */
export async function enqueueDeliveries(db: Queryable, rows: NewDelivery[], now: number): Promise<number> {
  let made = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db
      .insert(deliveries)
      .values(rows.slice(i, i + 500).map((r) => ({ ...r, status: 'pending' as const, nextAttemptAt: now, createdAt: now })))
      .onConflictDoNothing()
      .returning({ id: deliveries.id });
    made += inserted.length;
  }
  return made;
}

/**
 * Claims due deliveries with a lease in one statement, so two instances never hold the same row,
 * then sends each. A sender that dies mid-send leaves a lease that expires; the row is picked up again.
 */
export async function processDueDeliveries(deps: DeliveryDeps, limit = 50): Promise<{ sent: number; retrying: number; failed: number }> {
  const policy = deps.retry ?? DEFAULT_RETRY;
  const now = deps.clock().getTime();
  const D = sqlNames(deliveries);
  const claimed = await deps.store.write((tx) =>
    tx.all<Record<string, unknown>>(sql`
      UPDATE ${D.$} SET ${D.leaseUntil} = ${now + policy.leaseMs}, ${D.attempts} = ${D.attempts} + 1
      WHERE ${D.id} IN (
        SELECT ${D.id} FROM ${D.$} WHERE ${D.status} = 'pending' AND ${D.nextAttemptAt} <= ${now} AND (${D.leaseUntil} IS NULL OR ${D.leaseUntil} < ${now})
        ORDER BY ${D.nextAttemptAt} LIMIT ${limit})
      RETURNING ${D.id}`),
  );
  const result = { sent: 0, retrying: 0, failed: 0 };
  for (const { id } of claimed) {
    const [d] = await deps.store.db.select().from(deliveries).where(eq(deliveries.id, Number(id)));
    if (!d) continue;
    const outcome = await attempt(deps, d, policy);
    result[outcome]++;
  }
  return result;
}

async function attempt(deps: DeliveryDeps, d: Delivery, policy: RetryPolicy): Promise<'sent' | 'retrying' | 'failed'> {
  const done = (set: Partial<typeof deliveries.$inferInsert>) =>
    deps.store.write((tx) => tx.update(deliveries).set({ ...set, leaseUntil: null }).where(and(eq(deliveries.id, d.id), eq(deliveries.status, 'pending'))));
  try {
    const notifier = deps.notifiers[d.platform];
    if (!notifier) throw new DeliveryError(`no ${d.platform} notifier is configured`, undefined, true);
    const message = await deps.render(d);
    if (!message) {
      await done({ status: 'failed', lastError: 'nothing to send any more' });
      return 'failed';
    }
    const edit = message.kind === 'alert' ? message.edit : undefined;
    const ref = edit
      ? await notifier.update(edit, message).then(() => edit)
      : await notifier.send(parseTarget(d.target), message, {
          ref: d.messageRef,
          saveRef: (ref) => deps.store.write((tx) => tx.update(deliveries).set({ messageRef: ref }).where(eq(deliveries.id, d.id))).then(() => undefined),
        });
    await done({ status: 'sent', sentAt: deps.clock().getTime(), messageRef: ref, lastError: null });
    return 'sent';
  } catch (e) {
    const err = e instanceof DeliveryError ? e : new DeliveryError((e as Error).message ?? String(e));
    const now = deps.clock().getTime();
    if (err.permanent || now - d.createdAt >= policy.giveUpAfterMs) {
      deps.log.warn({ delivery: d.id, kind: d.kind, platform: d.platform, error: err.message }, 'delivery failed for good');
      await done({ status: 'failed', lastError: err.message });
      return 'failed';
    }
    const jitter = 0.5 + (deps.random ?? Math.random)() * 0.5;
    const backoff = Math.min(policy.maxBackoffMs, policy.baseMs * 2 ** Math.max(0, d.attempts - 1)) * jitter;
    const wait = Math.max(err.retryAfterMs ?? 0, backoff);
    deps.log.info({ delivery: d.id, kind: d.kind, platform: d.platform, error: err.message, retryInMs: Math.round(wait) }, 'delivery will be retried');
    await done({ nextAttemptAt: now + wait, lastError: err.message });
    return 'retrying';
  }
}

export async function failedDeliveries(db: Queryable, kind?: Delivery['kind']) {
  const where = kind ? and(eq(deliveries.status, 'failed'), eq(deliveries.kind, kind)) : eq(deliveries.status, 'failed');
  return db.select().from(deliveries).where(where).orderBy(deliveries.createdAt);
}
