import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs } from './columns.ts';

/** Every chain an address was seen on; the identity itself lives in `identifiers`. */
export const wallets = sqliteTable(
  'wallets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: text('customer_id').notNull().references(() => customers.id),
    chain: text('chain').notNull(),
    address: text('address').notNull(),
    firstSeenAt: epochMs('first_seen_at').notNull(),
    // The first record a source pushed naming this wallet on this chain; null while only transfers the
    // indexer read back the row, so a reorg that takes those transfers out takes the row with them.
    pushedFirstAt: epochMs('pushed_first_at'),
  },
  (t) => [uniqueIndex('wallets_chain_address_uq').on(t.chain, t.address), index('wallets_customer_idx').on(t.customerId), index('wallets_chain_customer_idx').on(t.chain, t.customerId)],
);
