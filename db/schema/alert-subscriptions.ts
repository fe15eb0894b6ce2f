import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { ALERT_FILTERS, CHAT_PLATFORMS, RISK_LEVELS } from './constants.ts';
import { createdAt } from './columns.ts';

/** `target` is `user:<id>` (delivered by DM) or `channel:<id>`; one row per kind of change it follows. */
export const alertSubscriptions = sqliteTable(
  'alert_subscriptions',
  {
    platform: text('platform', { enum: CHAT_PLATFORMS }).notNull(),
    target: text('target').notNull(),
    filter: text('filter', { enum: ALERT_FILTERS }).notNull(),
    minLevel: text('min_level', { enum: RISK_LEVELS }),
    subscribedBy: text('subscribed_by').notNull(),
    ...createdAt(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.target, t.filter] })],
);
export type AlertSubscription = typeof alertSubscriptions.$inferSelect;
