import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/**
 * A transfer's identity across sources: chain, tx hash, token, direction and customer. A pushed and an
 * indexed copy share the key; a key's transactions are counted max(pushed, indexed) times, never both.
 */
export const txMatchKeys = sqliteTable('tx_match_keys', {
  key: text('key').primaryKey(),
  pushed: integer('pushed').notNull(),
  indexed: integer('indexed').notNull(),
});
