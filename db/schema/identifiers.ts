import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { createdAt } from './columns.ts';

/** `value` is the normal form; wallets use `<family>:<address>` so one EVM key is one identifier on every chain. */
export const identifiers = sqliteTable(
  'identifiers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: text('customer_id').notNull().references(() => customers.id),
    type: text('type').notNull(),
    value: text('value').notNull(),
    ...createdAt(),
  },
  (t) => [uniqueIndex('identifiers_type_value_uq').on(t.type, t.value), index('identifiers_customer_type_idx').on(t.customerId, t.type)],
);

export type Identifier = typeof identifiers.$inferSelect;
