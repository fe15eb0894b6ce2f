import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns.ts';

/**
 * How far each chain is indexed: every block from `firstBlock` up to and including `block` (whose hash
 * was `hash`). `walletsUpTo` is the last `identifiers.id` whose wallet the index covers: a wallet linked
 * later gets its past transfers read (backfilled) before it counts as covered.
 */
export const chainCursors = sqliteTable('chain_cursors', {
  chain: text('chain').primaryKey(),
  firstBlock: integer('first_block').notNull(),
  block: integer('block').notNull(),
  hash: text('hash').notNull(),
  walletsUpTo: integer('wallets_up_to').notNull(),
  updatedAt: epochMs('updated_at').notNull(),
});
