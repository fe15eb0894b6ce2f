import { sqliteTable, text, integer, real, index } from 'drizzle-orm/sqlite-core';
import { purchases } from './purchases.ts';

export const purchaseItems = sqliteTable(
  'purchase_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    purchaseId: integer('purchase_id').notNull().references(() => purchases.id),
    name: text('name').notNull(),
    category: text('category'),
    quantity: integer('quantity').notNull(),
    price: real('price').notNull(),
  },
  (t) => [index('purchase_items_purchase_idx').on(t.purchaseId)],
);
