import { sqliteTable, text, primaryKey, index } from 'drizzle-orm/sqlite-core';
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
  // The second index serves `find tag:vip`: from a tag to its customers.
  (t) => [primaryKey({ columns: [t.customerId, t.kind, t.value] }), index('labels_kind_value_idx').on(t.kind, t.value, t.customerId)],
);
