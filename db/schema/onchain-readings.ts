import { sqliteTable, text, integer, primaryKey } from 'drizzle-orm/sqlite-core';
import { WALLET_KINDS } from './constants.ts';
import { epochMs } from './columns.ts';

/**
 * The latest on-chain reading of one address on one chain: what it holds at `block`, read at `readAt`.
 * `holdings` is JSON (native and token balances as decimal strings, each value with its price's
 * source and age); `valueMicros` is their USDT total in millionths, null when nothing had a price.
 */
export const onchainReadings = sqliteTable(
  'onchain_readings',
  {
    chain: text('chain').notNull(),
    address: text('address').notNull(),
    kind: text('kind', { enum: WALLET_KINDS }).notNull(),
    holdings: text('holdings').notNull(),
    valueMicros: integer('value_micros'),
    block: integer('block').notNull(),
    blockAt: epochMs('block_at').notNull(),
    readAt: epochMs('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chain, t.address] })],
);
