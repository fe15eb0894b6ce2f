import { sql } from 'drizzle-orm';
import type { Store } from '../../db/client.ts';
import { chainTransfers, onchainReadings, wallets } from '../../db/schema/index.ts';
import { sqlNames } from '../../db/sql-names.ts';
import type { ChainClient } from './client.ts';
import { readWallets, storeReadings } from './enrich.ts';
import type { Address } from './settings.ts';

const [W, R, T] = [sqlNames(wallets), sqlNames(onchainReadings), sqlNames(chainTransfers)];

/**
 * Reads the chain's customer wallets whose reading is missing, older than `maxAgeMs`, or older than a
 * transfer the indexer has since taken in for the wallet (so a balance follows its transfers within a
 * poll, not a refresh period), `batch` at a time (one multicall each), and stores the readings. Returns how many wallets were read.
 */
export async function refreshReadings(store: Store, cc: ChainClient, now: () => number, maxAgeMs: number, batch = 1000, limit = 10_000): Promise<number> {
  let done = 0;
  while (done < limit) {
    const due = await store.db.all<{ address: string }>(sql`
      SELECT w.${W.address} FROM ${W.$} w LEFT JOIN ${R.$} r ON r.${R.chain} = w.${W.chain} AND r.${R.address} = w.${W.address}
      WHERE w.${W.chain} = ${cc.chain} AND (r.${R.readAt} IS NULL OR r.${R.readAt} < ${now() - maxAgeMs}
        OR EXISTS (SELECT 1 FROM ${T.$} t WHERE t.${T.wallet} = w.${W.address} AND t.${T.chain} = w.${W.chain} AND t.${T.block} > r.${R.block}))
      ORDER BY r.${R.readAt} NULLS FIRST LIMIT ${batch}`);
    if (!due.length) break;
    await storeReadings(store, await readWallets(cc, due.map((d) => d.address as Address), now));
    done += due.length;
    if (due.length < batch) break;
  }
  return done;
}
