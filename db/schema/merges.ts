import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { epochMs, createdAt } from './columns.ts';

/**
 * The merge log: who was folded into whom, by which record, through which key (the record's identifier
 * the folded customer held), by which actor, and whether it was split again.
 */
export const merges = sqliteTable(
  'merges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    winnerId: text('winner_id').notNull().references(() => customers.id),
    loserId: text('loser_id').notNull().references(() => customers.id),
    recordType: text('record_type'),
    recordId: text('record_id'),
    keyType: text('key_type'),
    keyValue: text('key_value'),
    actor: text('actor').notNull(),
    ...createdAt(),
    splitAt: epochMs('split_at'),
    splitBy: text('split_by'),
  },
  (t) => [index('merges_winner_idx').on(t.winnerId), index('merges_loser_idx').on(t.loserId)],
);

export type Merge = typeof merges.$inferSelect;
