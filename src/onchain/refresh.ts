import { sql } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import type { ChainClient } from './client.ts';
import { readWallets, storeReadings } from './enrich.ts';
import type { Address } from './settings.ts';

/**
 * Reads the chain's customer wallets whose reading is missing or older than `maxAgeMs`, `batch` at a
 * time (one multicall each), and stores the readings. Returns how many wallets were read.
 */
export async function refreshReadings(store: Store, cc: ChainClient, now: () => number, maxAgeMs: number, batch = 1000, limit = 10_000): Promise<number> {
  let done = 0;
  while (done < limit) {
    const due = await store.db.all<{ address: string }>(sql`
      SELECT w.address FROM wallets w LEFT JOIN onchain_readings r ON r.chain = w.chain AND r.address = w.address
      WHERE w.chain = ${cc.chain} AND (r.read_at IS NULL OR r.read_at < ${now() - maxAgeMs}) ORDER BY r.read_at NULLS FIRST LIMIT ${batch}`);
    if (!due.length) break;
    await storeReadings(store, await readWallets(cc, due.map((d) => d.address as Address), now));
    done += due.length;
    if (due.length < batch) break;
  }
  return done;
}
