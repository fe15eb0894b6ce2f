import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { customers } from './customers.ts';
import { TX_DIRECTIONS } from './constants.ts';
import { epochMs } from './columns.ts';

/**
 * `usdtMicros` holds the USDT value in millionths as an integer so sums are exact per row;
 * `amount` keeps the token amount exactly as sent. `day` is the GMT+8 calendar day.
 */
export const transactions = sqliteTable(
  'transactions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: text('customer_id').notNull().references(() => customers.id),
    recordId: text('record_id'),
    at: epochMs('at').notNull(),
    day: text('day').notNull(),
    chain: text('chain').notNull(),
    token: text('token').notNull(),
    amount: text('amount').notNull(),
    usdtMicros: integer('usdt_micros').notNull(),
    direction: text('direction', { enum: TX_DIRECTIONS }).notNull(),
    txHash: text('tx_hash'),
  },
  (t) => [
    // With usdt_micros it covers a customer's volume over a window (find sorts by 30-day volume), so
    // summing it reads index entries only, never table rows.
    index('transactions_customer_at_cover_idx').on(t.customerId, t.at, t.usdtMicros),
    // Covers every per-day aggregate (live metrics, the nightly rollup, per-customer day volume), so
    // they read the index alone instead of one table row per transaction; it also serves `day` lookups.
    index('transactions_day_cover_idx').on(t.day, t.token, t.chain, t.usdtMicros, t.customerId),
  ],
);
