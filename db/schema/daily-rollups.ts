import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns.ts';

/**
 * One row per GMT+8 day of the 🐢 figures. A day's rollup is final once computed after the day ended
 * and no late record has touched it since (`rollup_dirty_days`); until then metrics read live rows.
 */
export const dailyRollups = sqliteTable('daily_rollups', {
  day: text('day').primaryKey(),
  newCustomers: integer('new_customers').notNull(),
  kycSubmitted: integer('kyc_submitted').notNull(),
  kycVerified: integer('kyc_verified').notNull(),
  kycRejected: integer('kyc_rejected').notNull(),
  newHigh: integer('new_high').notNull(),
  newVeryHigh: integer('new_very_high').notNull(),
  /** Snapshots taken when the rollup ran: the pending queue and customers per risk level. */
  pendingQueue: integer('pending_queue').notNull(),
  riskLevels: text('risk_levels', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  txCount: integer('tx_count').notNull(),
  txMicros: integer('tx_micros').notNull(),
  purchaseCount: integer('purchase_count').notNull(),
  computedAt: epochMs('computed_at').notNull(),
  /** 1 when this day's per-customer volume is added into `root_volume`. */
  inTotals: integer('in_totals').notNull().default(0),
});
