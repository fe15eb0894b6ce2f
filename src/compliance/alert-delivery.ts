import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { alerts, deliveries, type Alert, type ChatPlatform, type Delivery } from '../../db/schema/index.ts';
import { resolveRole } from '../access/roles.ts';
import { canSeePersonalData } from '../access/mask.ts';
import { DeliveryError, parseTarget, type OutgoingMessage } from '../delivery/notifiers/types.ts';
import { alertIdOfCopy, copyIdOfEdit } from './alert-copies.ts';
import { alertViewFor, type AlertView } from './alert-view.ts';

/**
 * The model of an alert delivery, built when it is sent: a DM carries personal data only when the
 * subscriber's role, checked now, allows it. Otherwise the alert still goes out, without personal data
 * (a Discord role granted through a guild role cannot be checked outside the guild). A reminder
 * (its snooze ended) is the alert again, marked as such; an edit is a sent copy brought up to date.
 */
export function alertDeliveryRenderer(db: Db, admins: Partial<Record<ChatPlatform, readonly string[]>>) {
  const viewFor = async (d: Delivery, alert: Alert) => {
    const target = parseTarget(d.target);
    const personal = target.kind === 'user' && canSeePersonalData(await resolveRole(db, { platform: d.platform, userId: target.id }, admins[d.platform] ?? []));
    return alertViewFor(db, alert, personal);
  };
  return async (d: Delivery): Promise<OutgoingMessage | null> => {
    if (d.kind === 'alert_edit') return editOf(db, d, viewFor);
    const [id, until] = d.subject.split(':');
    const [alert] = await db.select().from(alerts).where(eq(alerts.id, Number(id)));
    if (!alert) return null;
    // A reminder is for the snooze that made it: resolved or snoozed again since, it has nothing to say.
    const reminder = d.kind === 'reminder';
    if (reminder && (alert.resolvedAt !== null || alert.snoozedUntil !== Number(until))) return null;
    return { kind: 'alert', alert: { ...(await viewFor(d, alert)), reminder } };
  };
}

/**
 * An edit of a copy: the alert as it stands now, for the copy's audience, replacing the copy's message.
 * A copy not posted yet makes the edit wait (retried with backoff); one given up has nothing to edit.
 */
async function editOf(db: Db, d: Delivery, viewFor: (d: Delivery, a: Alert) => Promise<AlertView>): Promise<OutgoingMessage | null> {
  const [copy] = await db.select().from(deliveries).where(eq(deliveries.id, copyIdOfEdit(d.subject)));
  if (!copy || copy.status === 'failed' || (copy.kind !== 'alert' && copy.kind !== 'reminder')) return null;
  if (!copy.messageRef) throw new DeliveryError(`alert copy ${copy.id} is not posted yet`);
  const [alert] = await db.select().from(alerts).where(eq(alerts.id, alertIdOfCopy(copy)));
  if (!alert) return null;
  return { kind: 'alert', alert: { ...(await viewFor(copy, alert)), reminder: copy.kind === 'reminder' }, edit: copy.messageRef };
}
