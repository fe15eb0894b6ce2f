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
 * (a Discord role granted through a guild role cannot be checked outside the guild).
 */
export function alertDeliveryRenderer(db: Db, admins: Partial<Record<ChatPlatform, readonly string[]>>) {
  return async (d: Delivery): Promise<OutgoingMessage | null> => {
    const [alert] = await db.select().from(alerts).where(eq(alerts.id, Number(d.subject)));
    if (!alert) return null;
    const target = parseTarget(d.target);
    const personal = target.kind === 'user' && canSeePersonalData(await resolveRole(db, { platform: d.platform, userId: target.id }, admins[d.platform] ?? []));
    return { kind: 'alert', alert: await alertViewFor(db, alert, personal) };
  };
}
