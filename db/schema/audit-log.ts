import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
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
    /**
     * A random key per row, so a row written through the journal (db/journal.ts: a lookup during a
     * batch) is inserted once even when a crash makes the journal replay it. Null on older rows.
     */
    ref: text('ref'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), uniqueIndex('audit_log_ref_uq').on(t.ref)],
);
