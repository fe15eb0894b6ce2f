import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { CHAT_PLATFORMS } from './constants.ts';
import { createdAt } from './columns.ts';

export const digestSubscriptions = sqliteTable(
  'digest_subscriptions',
  {
    platform: text('platform', { enum: CHAT_PLATFORMS }).notNull(),
    channelId: text('channel_id').notNull(),
    subscribedBy: text('subscribed_by').notNull(),
    /** The first GMT+8 day this channel gets: no back-catalogue for a channel that joins today. */
    firstDay: text('first_day').notNull(),
    ...createdAt(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.channelId] })],
);
