import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * Transaction count and USDT volume per unified customer per GMT+8 day, kept exact at every commit:
 * ingest adds each batch's transactions (one statement per batch), and triggers in the database
 * (migration 0012) follow every other change — a transaction deleted (a reorg) and a customer
 * re-rooted (a merge or a split) — so no code path can forget it. Live figures read a day's rows
 * (one per active customer) instead of summing its transactions, and `(day, micros)` gives a day's
 * top customers by index.
 */
export const rootDayVolume = sqliteTable(
  'root_day_volume',
  {
    rootId: text('root_id').notNull(),
    day: text('day').notNull(),
    count: integer('count').notNull(),
    micros: integer('micros').notNull(),
  },
  (t) => [primaryKey({ columns: [t.rootId, t.day] }), index('root_day_volume_day_micros_idx').on(t.day, t.micros, t.rootId)],
);
