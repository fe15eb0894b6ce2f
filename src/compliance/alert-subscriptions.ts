import { and, eq } from 'drizzle-orm';
import type { Queryable, Store } from '../../db/client.ts';
import { alertSubscriptions, RISK_LEVELS, type Alert, type AlertFilter, type AlertSubscription, type ChatPlatform, type RiskLevel } from '../../db/schema/index.ts';
import { levelChanged, statusChanged } from './alert-outbox.ts';

export async function subscribeAlerts(
  store: Store,
  s: { platform: ChatPlatform; target: string; filter: AlertFilter; minLevel: RiskLevel | null; by: string; now: number },
): Promise<void> {
  const row = { platform: s.platform, target: s.target, filter: s.filter, minLevel: s.minLevel, subscribedBy: s.by, createdAt: s.now };
  await store.write((tx) =>
    tx.insert(alertSubscriptions).values(row).onConflictDoUpdate({ target: [alertSubscriptions.platform, alertSubscriptions.target, alertSubscriptions.filter], set: { minLevel: s.minLevel, subscribedBy: s.by } }),
  );
}

/** Without a filter every subscription of the target goes. */
export async function unsubscribeAlerts(store: Store, s: { platform: ChatPlatform; target: string; filter?: AlertFilter }): Promise<number> {
  const where = and(eq(alertSubscriptions.platform, s.platform), eq(alertSubscriptions.target, s.target), s.filter ? eq(alertSubscriptions.filter, s.filter) : undefined);
  return (await store.write((tx) => tx.delete(alertSubscriptions).where(where).returning())).length;
}

export async function listAlertSubscriptions(db: Queryable, platform: ChatPlatform, targets: string[]) {
  const rows = await db.select().from(alertSubscriptions).where(eq(alertSubscriptions.platform, platform));
  return rows.filter((r) => targets.includes(r.target));
}

const rank = (l: RiskLevel | null) => (l ? RISK_LEVELS.indexOf(l) : -1);

/**
 * `kyc` follows status changes, `risk` level changes, `all` both. A minimum level keeps only alerts that
 * leave the customer at that level or above (e.g. `risk high`: moves into high or very_high).
 */
export function matches(alert: Alert, sub: Pick<AlertSubscription, 'filter' | 'minLevel'>): boolean {
  // Exposure is its own kind: `exposure` and `all` subscribers get it, whatever their minimum level.
  if (alert.kind === 'exposure') return sub.filter === 'exposure' || sub.filter === 'all';
  if (sub.filter === 'exposure') return false;
  const kycHit = statusChanged(alert) && sub.filter !== 'risk';
  const riskHit = levelChanged(alert) && sub.filter !== 'kyc';
  if (!kycHit && !riskHit) return false;
  return sub.minLevel === null || rank(alert.toLevel) >= rank(sub.minLevel);
}
