import { sql } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import type { ChainClient } from './client.ts';
import { readWallets, storeReadings } from './enrich.ts';
import type { Address } from './settings.ts';

/**
 * Reads the chain's customer wallets whose reading is missing, older than `maxAgeMs`, or older than a
 * transfer the indexer has since taken in for the wallet (so a balance follows its transfers within a
 * poll, not a refresh period), `batch` at a time (one multicall each), and stores the readings. Returns how many wallets were read.
 */
export async function refreshReadings(store: Store, cc: ChainClient, now: () => number, maxAgeMs: number, batch = 1000, limit = 10_000): Promise<number> {
  let done = 0;
  while (done < limit) {
    const due = await store.db.all<{ address: string }>(sql`
      SELECT w.address FROM wallets w LEFT JOIN onchain_readings r ON r.chain = w.chain AND r.address = w.address
      WHERE w.chain = ${cc.chain} AND (r.read_at IS NULL OR r.read_at < ${now() - maxAgeMs}
        OR EXISTS (SELECT 1 FROM chain_transfers t WHERE t.wallet = w.address AND t.chain = w.chain AND t.block > r.block))
      ORDER BY r.read_at NULLS FIRST LIMIT ${batch}`);
    if (!due.length) break;
    await storeReadings(store, await readWallets(cc, due.map((d) => d.address as Address), now));
    done += due.length;
    if (due.length < batch) break;
  }
  return done;
}
