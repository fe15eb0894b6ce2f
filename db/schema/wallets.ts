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
  },
  (t) => [uniqueIndex('wallets_chain_address_uq').on(t.chain, t.address), index('wallets_customer_idx').on(t.customerId), index('wallets_chain_customer_idx').on(t.chain, t.customerId)],
);
