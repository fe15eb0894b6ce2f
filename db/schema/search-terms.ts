import { sqliteTable, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { SEARCH_FIELDS } from './constants.ts';
import { customers } from './customers.ts';

/**
 * Lower-cased prefixes-to-be for `find`: one row per name word, email, phone spelling, external id,
 * wallet and id of a customer node. Rewritten per customer node that owns the fact; each row also
 * carries that node's root, which the database moves on merges and splits (see `rootId`).
 * A range scan on `term` is a prefix search (term >= 'ali' AND term < 'ali' || U+10FFFF).
 */
export const searchTerms = sqliteTable(
  'search_terms',
  {
    term: text('term').notNull(),
    field: text('field', { enum: SEARCH_FIELDS }).notNull(),
    customerId: text('customer_id').notNull().references(() => customers.id),
    /**
     * The customer's unified id, written with the row and moved by a trigger on `customers` when a merge
     * or a split re-roots it (migration 0020). At 1M customers the hop from each matching term to its
     * customer's root was most of a name search: `ali` matches 135k terms, 135k random probes.
     */
    rootId: text('root_id').notNull(),
  },
  // (term, field, root_id, customer_id) is unique as (term, field, customer_id) was, since a customer
  // has one root; with the root in it a prefix search reads only this index.
  (t) => [uniqueIndex('search_terms_uq').on(t.term, t.field, t.rootId, t.customerId), index('search_terms_customer_idx').on(t.customerId)],
);
