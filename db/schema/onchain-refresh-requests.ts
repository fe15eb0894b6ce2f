import { sqliteTable, text, primaryKey } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns.ts';

/**
 * Addresses a lookup found stale (or never read) and wants read now. One row per (chain, address), so
 * a hundred lookups of one customer ask once, and any instance's chain loop (or the next round of one,
 * when the lookup ran in the terminal) serves it. A loop claims rows for a while (`claimedBy`, a token
 * of that claim, until `claimedUntil`) and deletes them once read; a claim that ends without that (the
 * node failed, or the instance died mid-read) leaves them to be claimed again.
 */
export const onchainRefreshRequests = sqliteTable(
  'onchain_refresh_requests',
  {
    chain: text('chain').notNull(),
    address: text('address').notNull(),
    requestedAt: epochMs('requested_at').notNull(),
    claimedBy: text('claimed_by'),
    claimedUntil: epochMs('claimed_until'),
  },
  (t) => [primaryKey({ columns: [t.chain, t.address] })],
);
