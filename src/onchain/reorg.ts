import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { markDirtySql } from '../metrics/rollup.ts';
import { gmt8Day } from '../time.ts';

/**
 * Takes every transfer indexed above `fork` back out: its transactions (and so their volume in the live
 * figures; past days' rollups are marked for recomputation), its record ids (so the blocks that replace
 * them can bring the same transfer again) and its count in the pushed/indexed match keys.
 */
export async function dropAbove(tx: Tx, chain: string, fork: number, now: number): Promise<number> {
  const rows = await tx.all<{ record_id: string; customer_id: string; at: number; match_key: string; stored: number }>(
    sql`SELECT record_id, customer_id, at, match_key, stored FROM chain_transfers WHERE chain = ${chain} AND block > ${fork}`,
  );
  if (!rows.length) return 0;
  const json = JSON.stringify(rows.map((r) => [r.record_id, r.customer_id, r.at, r.match_key, r.stored]));
  await tx.run(sql`DELETE FROM transactions WHERE id IN (
    SELECT t.id FROM json_each(${json}) AS j JOIN transactions t ON t.customer_id = j.value ->> 1 AND t.at = j.value ->> 2 AND t.record_id = j.value ->> 0
    WHERE j.value ->> 4 = 1)`);
  await tx.run(sql`DELETE FROM ingested_records WHERE type = 'transaction' AND id IN (SELECT j.value ->> 0 FROM json_each(${json}) AS j)`);
  await tx.run(sql`UPDATE tx_match_keys SET indexed = indexed - (SELECT count(*) FROM json_each(${json}) AS j WHERE j.value ->> 3 = tx_match_keys.key)
    WHERE key IN (SELECT j.value ->> 3 FROM json_each(${json}) AS j)`);
  await tx.run(sql`DELETE FROM chain_transfers WHERE chain = ${chain} AND block > ${fork}`);
  const past = [...new Set(rows.map((r) => gmt8Day(r.at)))].filter((d) => d < gmt8Day(now));
  if (past.length) await tx.run(markDirtySql(past, now));
  return rows.length;
}
