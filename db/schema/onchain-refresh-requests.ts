import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns.ts';

/**
 * Addresses a lookup found stale (or never read) and wants read now. One row per (chain, address), so
 * a hundred lookups of one customer ask once, and any instance's chain loop (or the next round of one,
 * when the lookup ran in the terminal) serves it: the loop claims the rows by deleting them.
 */
export const onchainRefreshRequests = sqliteTable(
  'onchain_refresh_requests',
  {
    chain: text('chain').notNull(),
    address: text('address').notNull(),
    requestedAt: epochMs('requested_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chain, t.address] })],
);
