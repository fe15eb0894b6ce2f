import { randomUUID } from 'node:crypto';
import type { Store } from '../../db/client.ts';
import type { ChainClient } from './client.ts';
import { readWallets, storeReadings } from './enrich.ts';
import { ADDRESS, AT, BY, CHAIN, TABLE, UNTIL } from './requests.ts';
import type { Address } from './settings.ts';

// The chain loop's side of the refresh requests (requests.ts is the lookups' side, kept free of viem so
// that start-up without chains loads none of it). A row is free when nobody claims it or its claim ran out.
const FREE = `(${UNTIL} IS NULL OR ${UNTIL} <= ?)`;
const ANY = `SELECT 1 FROM ${TABLE} WHERE ${CHAIN} = ? AND ${FREE} LIMIT 1`;
// A claim is a token and a deadline on the rows, in one statement: two instances serving requests never
// read the same one at once, and rows whose claimer died are free again once its claim runs out.
const CLAIM = `UPDATE ${TABLE} SET ${BY} = ?, ${UNTIL} = ? WHERE ${CHAIN} = ? AND ${ADDRESS} IN (
  SELECT ${ADDRESS} FROM ${TABLE} WHERE ${CHAIN} = ? AND ${FREE} ORDER BY ${AT} LIMIT ?) RETURNING ${ADDRESS}`;
// Only this claim's rows: after a claim ran out, another instance's claim (or its reading) is not ours to touch.
const DONE = `DELETE FROM ${TABLE} WHERE ${CHAIN} = ? AND ${BY} = ?`;
const RELEASE = `UPDATE ${TABLE} SET ${BY} = NULL, ${UNTIL} = NULL WHERE ${CHAIN} = ? AND ${BY} = ?`;

/** How long a claim holds: longer than a read of 1,000 wallets with viem's retries takes. */
export const CLAIM_MS = 120_000;

/**
 * Reads the requested wallets of this chain (1,000 a round, one multicall) and stores their readings,
 * then deletes the requests. When the node fails the claim is released at once, so the next round
 * (after the loop's backoff) serves them; if this instance dies mid-read, they are free again after
 * CLAIM_MS. Either way each keeps the time it was first asked, its place in the queue.
 */
export async function serveRefreshRequests(store: Store, cc: ChainClient, now: () => number, batch = 1000, claimMs = CLAIM_MS): Promise<number> {
  // A read first: this runs before every indexer step of every instance, and an empty claim would
  // still be a write transaction, contending for the database's write lock with the indexer's own.
  if (!(await store.read(ANY, [cc.chain, now()])).length) return 0;
  const token = randomUUID();
  const at = now();
  const { rows } = await store.write((tx) => tx.$client.execute({ sql: CLAIM, args: [token, at + claimMs, cc.chain, cc.chain, at, batch] }));
  if (!rows.length) return 0;
  const claimed = rows.map((r) => String(r[ADDRESS]));
  try {
    await storeReadings(store, await readWallets(cc, claimed as Address[], now));
  } catch (e) {
    await store.writeOne({ sql: RELEASE, args: [cc.chain, token] }).catch((release: Error) => {
      // Said, not swallowed; the rows are free again when the claim runs out. The node's error stays the
      // cause, so the loop's backoff still honours its Retry-After.
      throw new Error(`${claimed.length} claimed refresh requests could not be released (${release.message.split('\n')[0]}; free again in ${claimMs / 1000} s) after: ${(e as Error).message?.split('\n')[0]}`, { cause: e });
    });
    throw e;
  }
  await store.writeOne({ sql: DONE, args: [cc.chain, token] });
  return claimed.length;
}
