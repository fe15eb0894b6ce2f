import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';

/** Hashes of recently indexed blocks, so a reorg can be traced back to the last block both sides share. */
export const chainBlocks = sqliteTable(
  'chain_blocks',
  {
    chain: text('chain').notNull(),
    number: integer('number').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chain, t.number] })],
);
