import { getTableName, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { chainTransfers, customers, ingestedRecords, onchainReadings, transactions, txMatchKeys, wallets } from '../../db/schema/index.ts';
import { columnsOf, names, sqlNames } from '../../db/sql-names.ts';
import { refreshAudience, refreshWalletHolders } from '../audience/index-rows.ts';
import { markDirtySql } from '../metrics/rollup.ts';
import { INDEXED_ID_PREFIX } from '../ingest/ingest.ts';
import { gmt8Day } from '../time.ts';

// Names from the drizzle tables (db/sql-names.ts), so a renamed column fails the type check.
const [ct, c, t, ir, mk] = [sqlNames(chainTransfers), sqlNames(customers), sqlNames(transactions), sqlNames(ingestedRecords), sqlNames(txMatchKeys)];
const [CT, TX] = [names(chainTransfers), names(transactions)];

interface Dropped {
  record_id: string;
  customer_id: string;
  root_id: string;
  at: number;
  match_key: string;
  stored: number;
  wallet: string;
}

/**
 * Takes every transfer indexed above `fork` back out: its transactions (and so their volume in the live
 * figures), its record ids (so the blocks that replace them can bring the same transfer again), its
 * count in the pushed/indexed match keys, and what it did to its customers — first and last activity
 * fall back to what is left, the wallet rows only it made go (`dropOrphanedWallets`), the audience rows
 * follow, and every past day whose figures it moved (its own day, and the days its customers are new on
 * before and after) gets its rollup recomputed.
 *
 * A transfer a source system also pushed stays a transaction: the pushed copy was counted as this one,
 * and the source's word does not go away with our block.
 */
export async function dropAbove(tx: Tx, chain: string, fork: number, now: number): Promise<number> {
  const rows = await tx.all<Dropped>(sql`
    SELECT t.${ct.recordId} AS record_id, t.${ct.customerId} AS customer_id, c.${c.rootId} AS root_id, t.${ct.at} AS at, t.${ct.matchKey} AS match_key,
      t.${ct.stored} AS stored, t.${ct.wallet} AS wallet
    FROM ${ct.$} t JOIN ${c.$} c ON c.${c.id} = t.${ct.customerId} WHERE t.${ct.chain} = ${chain} AND t.${ct.block} > ${fork}`);
  if (!rows.length) return 0;
  const roots = [...new Set(rows.map((r) => r.root_id))];
  const before = await firstDays(tx, roots);
  const drop = await storedToDrop(tx, rows);

  const json = (xs: Dropped[]) => JSON.stringify(xs.map((r) => [r.record_id, r.customer_id, r.at]));
  if (drop.length) {
    await tx.run(sql`DELETE FROM ${t.$} WHERE ${t.id} IN (
      SELECT t.${t.id} FROM json_each(${json(drop)}) AS j JOIN ${t.$} t ON t.${t.customerId} = j.value ->> 1 AND t.${t.at} = j.value ->> 2 AND t.${t.recordId} = j.value ->> 0)`);
  }
  await tx.run(sql`DELETE FROM ${ir.$} WHERE ${ir.type} = 'transaction' AND ${ir.id} IN (SELECT j.value ->> 0 FROM json_each(${json(rows)}) AS j)`);
  const keys = JSON.stringify(rows.map((r) => r.match_key));
  await tx.run(sql`UPDATE ${mk.$} SET ${mk.indexed} = ${mk.indexed} - (SELECT count(*) FROM json_each(${keys}) AS j WHERE j.value = ${mk.$}.${mk.key})
    WHERE ${mk.key} IN (SELECT j.value FROM json_each(${keys}) AS j)`);
  await tx.run(sql`DELETE FROM ${ct.$} WHERE ${ct.chain} = ${chain} AND ${ct.block} > ${fork}`);
  const unread = await dropOrphanedWallets(tx, chain, fork, rows.map((r) => r.wallet));
  await resetActivity(tx, [...new Set(rows.map((r) => r.customer_id))]);
  await refreshAudience(tx, roots);
  // Readings taken above the fork go for any wallet of the chain, not only those whose transfers did.
  await refreshWalletHolders(tx, unread.map((a) => [chain, a]));

  // A customer new on another day now: both days' new-customer counts change.
  const after = await firstDays(tx, roots);
  const moved = roots.filter((r) => before.get(r) !== after.get(r)).flatMap((r) => [before.get(r)!, after.get(r)!]);
  const days = new Set([...rows.map((r) => gmt8Day(r.at)), ...moved]);
  const past = [...days].filter((d) => d < gmt8Day(now));
  if (past.length) await tx.run(markDirtySql(past, now));
  return rows.length;
}

async function firstDays(tx: Tx, roots: string[]): Promise<Map<string, string>> {
  const rows = await tx.all<{ root_id: string; first: number }>(
    sql`SELECT ${c.rootId} AS root_id, min(${c.firstSeenAt}) AS first FROM ${c.$} WHERE ${c.rootId} IN (SELECT j.value FROM json_each(${JSON.stringify(roots)}) AS j) GROUP BY ${c.rootId}`,
  );
  return new Map(rows.map((r) => [r.root_id, gmt8Day(Number(r.first))]));
}

/**
 * Which stored transactions go: a key's copies count max(pushed, indexed) times, so taking k indexed
 * copies out removes max(p, i) − max(p, i − k) transactions; the others now stand for the pushed copy.
 */
async function storedToDrop(tx: Tx, rows: Dropped[]): Promise<Dropped[]> {
  const keys = [...new Set(rows.map((r) => r.match_key))];
  const counts = await tx.all<{ key: string; pushed: number; indexed: number }>(
    sql`SELECT ${mk.key} AS key, ${mk.pushed} AS pushed, ${mk.indexed} AS indexed FROM ${mk.$} WHERE ${mk.key} IN (SELECT j.value FROM json_each(${JSON.stringify(keys)}) AS j)`,
  );
  const byKey = new Map(counts.map((c) => [c.key, c]));
  const drop: Dropped[] = [];
  for (const key of keys) {
    const mine = rows.filter((r) => r.match_key === key);
    const stored = mine.filter((r) => r.stored === 1);
    const c = byKey.get(key) ?? { pushed: 0, indexed: mine.length };
    const gone = Math.max(c.pushed, c.indexed) - Math.max(c.pushed, c.indexed - mine.length);
    drop.push(...stored.slice(0, gone));
  }
  return drop;
}

const W = getTableName(wallets);
const [W_CHAIN, W_ADDRESS, W_FIRST, W_PFIRST] = columnsOf(wallets, ['chain', 'address', 'firstSeenAt', 'pushedFirstAt']) as [string, string, string, string];
const R = getTableName(onchainReadings);
const [R_CHAIN, R_ADDRESS, R_BLOCK] = columnsOf(onchainReadings, ['chain', 'address', 'block']) as [string, string, string];
// The chain's wallet rows among `?2`: the indexed transfers of each that are still stored, from below the fork.
const TOUCHED = `${W}.${W_CHAIN} = ?1 AND ${W}.${W_ADDRESS} IN (SELECT j.value FROM json_each(?2) AS j)`;
const KEPT_TRANSFERS = `FROM ${CT.$} t WHERE t.${CT.chain} = ${W}.${W_CHAIN} AND t.${CT.wallet} = ${W}.${W_ADDRESS}`;
const UNBACKED = `${TOUCHED} AND ${W}.${W_PFIRST} IS NULL AND NOT EXISTS (SELECT 1 ${KEPT_TRANSFERS})`;

/**
 * The wallet rows the orphaned transfers made (a known address seen on a chain it had not been pushed
 * on), and what hangs on them. A wallet row (chain, address) is *backed*, and stays, while either
 *  - a record a source pushed named the wallet on that chain (an identify, a pushed transaction, any
 *    record carrying it, or a refused link of it a person approved: `pushed_first_at` is set), or
 *  - an indexed transfer of the wallet on that chain is still stored (from below the fork; the new
 *    branch's own transfers make the row again as they are read).
 * A backed row's first sighting falls back to the earliest of those. A row nothing backs goes, and with
 * it the wallet's reading on that chain: the chain loop read it only because the row existed, and the
 * profile's net worth summed it. Apart from that, a reading of this chain taken at a block above the
 * fork may count an orphaned transfer, and a stored reading is never replaced by one from a lower
 * block (two instances refreshing), so the new branch, if shorter, would never show: those readings go
 * and the next round reads them again (one already taken from the new branch is read once more).
 */
async function dropOrphanedWallets(tx: Tx, chain: string, fork: number, addresses: string[]): Promise<string[]> {
  const args = [chain, JSON.stringify([...new Set(addresses)]), fork];
  const unread = await tx.$client.execute({
    sql: `DELETE FROM ${R} WHERE ${R_CHAIN} = ?1 AND (${R_BLOCK} > ?3 OR ${R_ADDRESS} IN (SELECT ${W}.${W_ADDRESS} FROM ${W} WHERE ${UNBACKED})) RETURNING ${R_ADDRESS} AS address`,
    args,
  });
  await tx.$client.execute({ sql: `DELETE FROM ${W} WHERE ${UNBACKED}`, args: args.slice(0, 2) });
  await tx.$client.execute({
    sql: `UPDATE ${W} SET ${W_FIRST} = coalesce(min(${W_PFIRST}, (SELECT min(t.${CT.at}) ${KEPT_TRANSFERS})), ${W_PFIRST}, (SELECT min(t.${CT.at}) ${KEPT_TRANSFERS}), ${W_FIRST}) WHERE ${TOUCHED}`,
    args: args.slice(0, 2),
  });
  return unread.rows.map((r) => String(r.address));
}

/**
 * First and last activity again from what remains: the pushed records' bounds, widened by the indexed
 * transactions still stored (those left standing for a pushed copy among them), read through the
 * (customer_id, at) index.
 */
async function resetActivity(tx: Tx, customerIds: string[]) {
  const C = getTableName(customers);
  const [ID, FIRST, LAST, PFIRST, PLAST] = columnsOf(customers, ['id', 'firstSeenAt', 'lastActivityAt', 'pushedFirstAt', 'pushedLastAt']) as [string, string, string, string, string];
  const indexed = (agg: 'min' | 'max') =>
    `(SELECT ${agg}(t.${TX.at}) FROM ${TX.$} t WHERE t.${TX.customerId} = j.value AND t.${TX.recordId} LIKE '${INDEXED_ID_PREFIX}%')`;
  // A customer always has a pushed record (the indexer only files transfers under known wallets); the
  // last coalesce keeps the old bound if one ever had none.
  await tx.$client.execute({
    sql: `WITH v(id, first, last) AS (SELECT j.value, ${indexed('min')}, ${indexed('max')} FROM json_each(?) AS j)
          UPDATE ${C} SET
            ${FIRST} = coalesce(min(${C}.${PFIRST}, v.first), ${C}.${PFIRST}, v.first, ${C}.${FIRST}),
            ${LAST} = coalesce(max(${C}.${PLAST}, v.last), ${C}.${PLAST}, v.last, ${C}.${LAST})
          FROM v WHERE ${C}.${ID} = v.id`,
    args: [JSON.stringify(customerIds)],
  });
}
