import { sqliteTable, text, primaryKey, index } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs } from './columns.ts';

/**
 * Custom attributes: `traits` keys beyond the standard ones (SPEC §8). `value` is the JSON of what was
 * sent (a string, number or boolean); `match` its lower-cased text, which `attr.<key>:<value>` looks up.
 */
export const attributes = sqliteTable(
  'attributes',
  {
    customerId: text('customer_id').notNull().references(() => customers.id),
    key: text('key').notNull(),
    value: text('value').notNull(),
    match: text('match').notNull(),
    updatedAt: epochMs('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.key] }), index('attributes_key_match_idx').on(t.key, t.match, t.customerId)],
);
