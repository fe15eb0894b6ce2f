import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt } from './columns.ts';

/**
 * Keys the service makes for itself (the `find` cursor's HMAC key). A row, not process memory, so every
 * instance signs and checks with the same key; the first instance to need one inserts it.
 */
export const appSecrets = sqliteTable('app_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  ...createdAt(),
});
