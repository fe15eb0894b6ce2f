import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { LABEL_KINDS } from './constants.ts';

/** Tags and platforms: small sets of strings per customer. */
export const labels = sqliteTable(
  'labels',
  {
    customerId: text('customer_id').notNull().references(() => customers.id),
    kind: text('kind', { enum: LABEL_KINDS }).notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.kind, t.value] })],
);
