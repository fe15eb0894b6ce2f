import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { CHAT_PLATFORMS } from './constants.ts';
import { epochMs } from './columns.ts';

/** Who looked up whom. `identifier` is kept only when the caller was allowed to see it in full. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: epochMs('at').notNull(),
    platform: text('platform', { enum: [...CHAT_PLATFORMS, 'api'] }).notNull(),
    callerId: text('caller_id').notNull(),
    channelId: text('channel_id'),
    command: text('command').notNull(),
    identifierType: text('identifier_type'),
    identifier: text('identifier'),
    unifiedId: text('unified_id'),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);
