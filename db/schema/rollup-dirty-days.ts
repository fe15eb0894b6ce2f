import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { epochMs } from './columns.ts';

/** Past days that received records after their rollup ran; the next job run recomputes them. */
export const rollupDirtyDays = sqliteTable('rollup_dirty_days', {
  day: text('day').primaryKey(),
  markedAt: epochMs('marked_at').notNull(),
});
