import { sqliteTable, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { SEARCH_FIELDS } from './constants.ts';
import { customers } from './customers.ts';

/**
 * Lower-cased prefixes-to-be for `find`: one row per name word, email, phone spelling, external id,
 * wallet and id of a customer node. Keyed by the customer that owns the fact, never its root, so merges
 * and splits need no maintenance here: the root is one primary-key hop away at query time.
 * A range scan on `term` is a prefix search (term >= 'ali' AND term < 'ali' || U+10FFFF).
 */
export const searchTerms = sqliteTable(
  'search_terms',
  {
    term: text('term').notNull(),
    field: text('field', { enum: SEARCH_FIELDS }).notNull(),
    customerId: text('customer_id').notNull().references(() => customers.id),
  },
  (t) => [uniqueIndex('search_terms_uq').on(t.term, t.field, t.customerId), index('search_terms_customer_idx').on(t.customerId)],
);
