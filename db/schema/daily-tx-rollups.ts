import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';

export const dailyTxRollups = sqliteTable(
  'daily_tx_rollups',
  {
    day: text('day').notNull(),
    token: text('token').notNull(),
    chain: text('chain').notNull(),
    count: integer('count').notNull(),
    micros: integer('micros').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.token, t.chain] })],
);
