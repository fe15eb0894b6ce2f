import { and, eq, gte, lt, or } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { deliveries, type ChatPlatform, type Delivery } from '../../db/schema/index.ts';
import { enqueueDeliveries } from '../delivery/deliveries.ts';

/**
 * Every message an alert went out as (each subscriber's DM and channel copy, and the reminders a
 * snooze sent) is a delivery row that keeps where it landed (`message_ref`, `<channel>:<ts|id>`). When
 * someone acknowledges, claims, resolves or snoozes the alert, each copy gets an `alert_edit` delivery
 * under the unique key (its copy, the change), made in the same transaction as the change: so every
 * copy is edited once per change whichever instance sends it, and a failed edit is retried like any
 * delivery. The edit is rendered when it is sent, for the copy's own audience (a channel gets no
 * personal data), from the alert as it then stands.
 */

/** What changed, as part of an edit's key: `ack`, `claim`, `resolve`, or `snooze:<until>` (each snooze is its own change). */
export type AlertChange = 'ack' | 'claim' | 'resolve' | `snooze:${number}`;

/** The message a click came from (its answer already shows the change there, so no edit is queued for it). */
export interface ShownIn {
  platform: ChatPlatform;
  ref: string;
}

/** `<copy delivery id>:<change>`; the copy's id says which message, the change keeps two changes apart. */
export const editSubject = (copyId: number, change: AlertChange) => `${copyId}:${change}`;
export const copyIdOfEdit = (subject: string) => Number(subject.slice(0, subject.indexOf(':')));

/** The alert id of a copy: an alert delivery's subject is the id, a reminder's `<id>:<snoozed until>`. */
export const alertIdOfCopy = (copy: Pick<Delivery, 'subject'>) => Number(copy.subject.split(':')[0]);

/**
 * Queues the edit of every copy of `alertId` that is out or on its way out, inside the caller's
 * transaction. A copy still waiting for its first attempt is left out: it will be rendered, as the
 * alert then stands, when it is sent. A copy that failed for good has no message to edit.
 */
export async function enqueueAlertEdits(tx: Queryable, alertId: number, change: AlertChange, now: number, shownIn?: ShownIn): Promise<number> {
  const id = String(alertId);
  const copies = await tx
    .select()
    .from(deliveries)
    // A reminder's subject is `<id>:<until>`: the range `<id>:` ≤ s < `<id>;` stays on the unique index.
    .where(or(and(eq(deliveries.kind, 'alert'), eq(deliveries.subject, id)), and(eq(deliveries.kind, 'reminder'), gte(deliveries.subject, `${id}:`), lt(deliveries.subject, `${id};`))));
  const waiting = (c: Delivery) => c.status === 'pending' && c.messageRef === null && (c.leaseUntil === null || c.leaseUntil < now);
  const rows = copies
    .filter((c) => c.status !== 'failed' && !waiting(c) && !(shownIn && c.platform === shownIn.platform && c.messageRef === shownIn.ref))
    .map((c) => ({ kind: 'alert_edit' as const, subject: editSubject(c.id, change), platform: c.platform, target: c.target }));
  return enqueueDeliveries(tx, rows, now);
}
