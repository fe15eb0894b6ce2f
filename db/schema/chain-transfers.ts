import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { TX_DIRECTIONS } from './constants.ts';
import { epochMs } from './columns.ts';

/**
 * Every indexed Transfer log seen from a customer's side (`recordId` is the transaction record id),
 * with the block it came from, so a reorg can take exactly its transfers back out. `stored` is 0
 * when a pushed copy of the same transfer was already counted.
 */
export const chainTransfers = sqliteTable(
  'chain_transfers',
  {
    recordId: text('record_id').primaryKey(),
    chain: text('chain').notNull(),
    block: integer('block').notNull(),
    blockHash: text('block_hash').notNull(),
    txHash: text('tx_hash').notNull(),
    logIndex: integer('log_index').notNull(),
    token: text('token').notNull(),
    wallet: text('wallet').notNull(),
    counterparty: text('counterparty').notNull(),
    direction: text('direction', { enum: TX_DIRECTIONS }).notNull(),
    amount: text('amount').notNull(),
    // The transfer's USDT value at its block's price (millionths), null when the token has no price
    // (no feed, not a stable); `price` says where that price came from and how old it was (JSON).
    valueMicros: integer('value_micros'),
    price: text('price'),
    customerId: text('customer_id').notNull(),
    at: epochMs('at').notNull(),
    matchKey: text('match_key').notNull(),
    stored: integer('stored').notNull(),
  },
  (t) => [index('chain_transfers_block_idx').on(t.chain, t.block), index('chain_transfers_wallet_idx').on(t.wallet, t.at),
    // `wallet <address>` of an address that is not a customer's finds its transfers from the other side.
    index('chain_transfers_counterparty_idx').on(t.counterparty, t.at)],
);
