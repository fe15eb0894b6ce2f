import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns.ts';

/** Addresses compliance watches (sanctions lists, known scams); a transfer with a customer raises `exposure`. */
export const screenedAddresses = sqliteTable('screened_addresses', {
  address: text('address').primaryKey(),
  label: text('label'),
  addedBy: text('added_by').notNull(),
  addedAt: epochMs('added_at').notNull(),
});
