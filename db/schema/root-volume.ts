import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/**
 * Transaction volume per unified customer over every day whose final rollup is counted in
 * (`daily_rollups.in_totals`). Kept in step by the nightly rollup, merges and splits, so the
 * all-time top list reads a few rows by index instead of summing millions.
 */
export const rootVolume = sqliteTable(
  'root_volume',
  {
    rootId: text('root_id').primaryKey(),
    count: integer('count').notNull(),
    micros: integer('micros').notNull(),
  },
  (t) => [index('root_volume_micros_idx').on(t.micros)],
);
