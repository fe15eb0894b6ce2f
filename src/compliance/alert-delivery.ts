import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { alerts, type ChatPlatform, type Delivery } from '../../db/schema/index.ts';
import { resolveRole } from '../access/roles.ts';
import { canSeePersonalData } from '../access/mask.ts';
import { parseTarget, type OutgoingMessage } from '../delivery/notifiers/types.ts';
import { alertViewFor } from './alert-view.ts';

/**
 * The model of an alert delivery, built when it is sent: a DM carries personal data only when the
 * subscriber's role, checked now, allows it. Otherwise the alert still goes out, without personal data
 * (a Discord role granted through a guild role cannot be checked outside the guild). A reminder
 * (its snooze ended) is the alert again, marked as such.
 */
export function alertDeliveryRenderer(db: Db, admins: Partial<Record<ChatPlatform, readonly string[]>>) {
  return async (d: Delivery): Promise<OutgoingMessage | null> => {
    const [id, until] = d.subject.split(':');
    const [alert] = await db.select().from(alerts).where(eq(alerts.id, Number(id)));
    if (!alert) return null;
    // A reminder is for the snooze that made it: resolved or snoozed again since, it has nothing to say.
    const reminder = d.kind === 'reminder';
    if (reminder && (alert.resolvedAt !== null || alert.snoozedUntil !== Number(until))) return null;
    const target = parseTarget(d.target);
    const personal = target.kind === 'user' && canSeePersonalData(await resolveRole(db, { platform: d.platform, userId: target.id }, admins[d.platform] ?? []));
    return { kind: 'alert', alert: { ...(await alertViewFor(db, alert, personal)), reminder } };
  };
}
