import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { CHAT_PLATFORMS, ROLES } from './constants.ts';
import { createdAt } from './columns.ts';

/** Roles granted by an admin's command; config-listed admins need no row. `subject` is a user id or, on Discord, `role:<id>`. */
export const roleGrants = sqliteTable(
  'role_grants',
  {
    platform: text('platform', { enum: CHAT_PLATFORMS }).notNull(),
    subject: text('subject').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    grantedBy: text('granted_by').notNull(),
    ...createdAt(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.subject] })],
);
