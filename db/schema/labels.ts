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
    /**
     * The customer's unified id, for `find tag:vip` without a hop per tagged customer. Set by the database,
     * not by the writers: a trigger fills it on insert and another moves it when a merge or a split
     * re-roots the customer (migration 0020), so no path that adds a label can leave it out.
     */
    rootId: text('root_id'),
  },
  // The second index serves `find tag:vip`: from a tag to its unified customers.
  (t) => [primaryKey({ columns: [t.customerId, t.kind, t.value] }), index('labels_kind_value_idx').on(t.kind, t.value, t.rootId)],
);
