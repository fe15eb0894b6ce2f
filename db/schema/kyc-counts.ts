import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';
import { KYC_STATUSES } from './constants.ts';

/**
 * How many unified customers stand at each KYC status and risk level right now (`level` '' = not
 * scored). Kept in step by ingest, merges and splits, so the pending queue and the risk-level counts
 * cost one small read instead of a scan of every customer's history.
 */
export const kycCounts = sqliteTable(
  'kyc_counts',
  {
    status: text('status', { enum: KYC_STATUSES }).notNull(),
    level: text('level').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.status, t.level] })],
);
