import { sqliteTable, text, integer, real, index } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs } from './columns.ts';

export const purchases = sqliteTable(
  'purchases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: text('customer_id').notNull().references(() => customers.id),
    recordId: text('record_id'),
    orderId: text('order_id').notNull(),
    at: epochMs('at').notNull(),
    day: text('day').notNull(),
    amount: real('amount').notNull(),
    currency: text('currency').notNull(),
  },
  (t) => [index('purchases_customer_at_idx').on(t.customerId, t.at), index('purchases_day_idx').on(t.day)],
);
