import type { Tx } from '../../db/client.ts';
import type { Store } from '../../db/client.ts';
import { chainLeases } from '../../db/schema/index.ts';
import { names } from '../../db/sql-names.ts';

const L = names(chainLeases);
const TAKE = `INSERT INTO ${L.$} (${L.chain}, ${L.holder}, ${L.expiresAt}) VALUES (?, ?, ?)
  ON CONFLICT (${L.chain}) DO UPDATE SET ${L.holder} = excluded.${L.holder}, ${L.expiresAt} = excluded.${L.expiresAt}
  WHERE ${L.$}.${L.holder} = excluded.${L.holder} OR ${L.$}.${L.expiresAt} < ?
  RETURNING ${L.holder}`;
const HELD = `SELECT 1 FROM ${L.$} WHERE ${L.chain} = ? AND ${L.holder} = ? AND ${L.expiresAt} >= ?`;
const RELEASE = `DELETE FROM ${L.$} WHERE ${L.chain} = ? AND ${L.holder} = ?`;

/** Takes or renews the chain's lease; false while another instance holds an unexpired one. */
export async function takeLease(store: Store, chain: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
  const { rows } = await store.write((tx) => tx.$client.execute({ sql: TAKE, args: [chain, holder, now + ttlMs, now] }));
  return rows.length === 1;
}

export class LeaseLostError extends Error {}

/** Checked inside the transaction that moves the cursor, so an instance whose lease lapsed writes nothing. */
export async function assertLease(tx: Tx, chain: string, holder: string, now: number): Promise<void> {
  const { rows } = await tx.$client.execute({ sql: HELD, args: [chain, holder, now] });
  if (!rows.length) throw new LeaseLostError(`the lease on ${chain} passed to another instance`);
}

export async function releaseLease(store: Store, chain: string, holder: string): Promise<void> {
  await store.write((tx) => tx.$client.execute({ sql: RELEASE, args: [chain, holder] }));
}
