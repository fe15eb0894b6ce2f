import { sqliteTable, text, index } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns.ts';

/**
 * A customer is a node in a merge forest: `parentId` is the customer it was merged into and
 * `rootId` the unified customer it currently answers to (itself when unmerged). Facts keep the
 * customer that first owned them, so a split only re-points `rootId` and loses nothing.
 */
export const customers = sqliteTable(
  'customers',
  {
    id: text('id').primaryKey(),
    rootId: text('root_id').notNull(),
    parentId: text('parent_id'),
    createdAt: epochMs('created_at').notNull(),
    firstSeenAt: epochMs('first_seen_at').notNull(),
    lastActivityAt: epochMs('last_activity_at').notNull(),
    // The same two bounds over the records sources pushed, leaving out the transfers the indexer read
    // from a chain: when a reorg takes those back out, first/last activity fall back to these.
    pushedFirstAt: epochMs('pushed_first_at'),
    pushedLastAt: epochMs('pushed_last_at'),
  },
  (t) => [
    index('customers_root_idx').on(t.rootId),
    index('customers_parent_idx').on(t.parentId),
    index('customers_created_idx').on(t.createdAt),
    // New customers of a day are counted by when they were first seen, not when they were loaded.
    index('customers_first_seen_idx').on(t.firstSeenAt),
  ],
);

export type Customer = typeof customers.$inferSelect;
