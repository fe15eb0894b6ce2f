import { sqliteTable, text, integer, uniqueIndex, index } from 'drizzle-orm/sqlite-core';
import { CHAT_PLATFORMS, DELIVERY_KINDS, DELIVERY_STATUSES } from './constants.ts';
import { epochMs, createdAt } from './columns.ts';

/**
 * Every message User 360 sends on its own (digests, alerts) is first a row here under a unique key:
 * (kind, subject, platform, target). Whoever inserts the row owns the sending; a conflict means another
 * instance already does. `leaseUntil` lets a crashed sender's work be picked up again.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: DELIVERY_KINDS }).notNull(),
    /**
     * The GMT+8 day for a digest, the alert id for an alert, `<alert id>:<snoozed until>` for a reminder,
     * `<copy's delivery id>:<change>` for an alert_edit (a sent copy brought up to date, src/compliance/alert-copies.ts).
     */
    subject: text('subject').notNull(),
    platform: text('platform', { enum: CHAT_PLATFORMS }).notNull(),
    target: text('target').notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: epochMs('next_attempt_at').notNull(),
    leaseUntil: epochMs('lease_until'),
    lastError: text('last_error'),
    /** Where the message landed (`<channel>:<ts>` on Slack, `<channel>:<message id>` on Discord), for later edits. */
    messageRef: text('message_ref'),
    ...createdAt(),
    sentAt: epochMs('sent_at'),
  },
  (t) => [uniqueIndex('deliveries_once_uq').on(t.kind, t.subject, t.platform, t.target), index('deliveries_due_idx').on(t.status, t.nextAttemptAt)],
);

export type Delivery = typeof deliveries.$inferSelect;
