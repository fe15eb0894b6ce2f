import { sqliteTable, text, integer, primaryKey, index } from 'drizzle-orm/sqlite-core';

/** Volume per customer (the customer that owns the rows, not its current root) per day, for top lists. */
export const dailyCustomerVolume = sqliteTable(
  'daily_customer_volume',
  {
    day: text('day').notNull(),
    customerId: text('customer_id').notNull(),
    count: integer('count').notNull(),
    micros: integer('micros').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.customerId] }), index('daily_customer_volume_customer_idx').on(t.customerId)],
);
