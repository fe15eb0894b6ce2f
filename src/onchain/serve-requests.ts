import type { Store } from '../../db/client.ts';
import type { ChainClient } from './client.ts';
import { readWallets, storeReadings } from './enrich.ts';
import { ADDRESS, AT, CHAIN, TABLE } from './requests.ts';
import type { Address } from './settings.ts';

// The chain loop's side of the refresh requests (requests.ts is the lookups' side, kept free of viem so
// that start-up without chains loads none of it).
const ANY = `SELECT 1 FROM ${TABLE} WHERE ${CHAIN} = ? LIMIT 1`;
// Claiming is deleting: two instances serving requests never read the same one twice.
const CLAIM = `DELETE FROM ${TABLE} WHERE ${CHAIN} = ? AND ${ADDRESS} IN (SELECT ${ADDRESS} FROM ${TABLE} WHERE ${CHAIN} = ? ORDER BY ${AT} LIMIT ?) RETURNING ${ADDRESS}, ${AT}`;
const PUT_BACK = `INSERT INTO ${TABLE} (${CHAIN}, ${ADDRESS}, ${AT}) SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2 FROM json_each(?) AS j WHERE true
  ON CONFLICT (${CHAIN}, ${ADDRESS}) DO UPDATE SET ${AT} = min(${AT}, excluded.${AT})`;

/**
 * Reads the requested wallets of this chain (1,000 a round, one multicall) and stores their readings.
 * When the node fails, the claimed requests are put back for the next round (after the loop's backoff).
 */
export async function serveRefreshRequests(store: Store, cc: ChainClient, now: () => number, batch = 1000): Promise<number> {
  // A read first: this runs before every indexer step of every instance, and an empty claim would
  // still be a write transaction, contending for the database's write lock with the indexer's own.
  if (!(await store.read(ANY, [cc.chain])).length) return 0;
  const { rows } = await store.write((tx) => tx.$client.execute({ sql: CLAIM, args: [cc.chain, cc.chain, batch] }));
  if (!rows.length) return 0;
  const claimed = rows.map((r) => ({ address: String(r[ADDRESS]), at: Number(r[AT]) }));
  try {
    await storeReadings(store, await readWallets(cc, claimed.map((c) => c.address as Address), now));
  } catch (e) {
    // Back as they were: a lookup that asked again meanwhile filed a row of its own, and the request
    // keeps the time it was first asked (its place in the queue), not the later one.
    const back = JSON.stringify(claimed.map((c) => [cc.chain, c.address, c.at]));
    await store
      .writeOne({ sql: PUT_BACK, args: [back] })
      // Said, not swallowed: those requests are lost until a lookup asks again. The node's error stays the
      // cause, so the loop's backoff still honours its Retry-After.
      .catch((putBack: Error) => {
        throw new Error(`${claimed.length} claimed refresh requests could not be put back (${putBack.message.split('\n')[0]}) after: ${(e as Error).message?.split('\n')[0]}`, { cause: e });
      });
    throw e;
  }
  return claimed.length;
}
