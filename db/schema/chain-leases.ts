import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns.ts';

/** One instance indexes a chain at a time: the holder renews before `expiresAt`, others wait for it to pass. */
export const chainLeases = sqliteTable('chain_leases', {
  chain: text('chain').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: epochMs('expires_at').notNull(),
});
