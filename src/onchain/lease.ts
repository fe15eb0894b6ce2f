import type { Tx } from '../../db/client.ts';
import type { Store } from '../../db/client.ts';

const TAKE = `INSERT INTO chain_leases (chain, holder, expires_at) VALUES (?, ?, ?)
  ON CONFLICT (chain) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
  WHERE chain_leases.holder = excluded.holder OR chain_leases.expires_at < ?
  RETURNING holder`;

/** Takes or renews the chain's lease; false while another instance holds an unexpired one. */
export async function takeLease(store: Store, chain: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
  const { rows } = await store.write((tx) => tx.$client.execute({ sql: TAKE, args: [chain, holder, now + ttlMs, now] }));
  return rows.length === 1;
}

export class LeaseLostError extends Error {}

/** Checked inside the transaction that moves the cursor, so an instance whose lease lapsed writes nothing. */
export async function assertLease(tx: Tx, chain: string, holder: string, now: number): Promise<void> {
  const { rows } = await tx.$client.execute({ sql: 'SELECT 1 FROM chain_leases WHERE chain = ? AND holder = ? AND expires_at >= ?', args: [chain, holder, now] });
  if (!rows.length) throw new LeaseLostError(`the lease on ${chain} passed to another instance`);
}

export async function releaseLease(store: Store, chain: string, holder: string): Promise<void> {
  await store.write((tx) => tx.$client.execute({ sql: 'DELETE FROM chain_leases WHERE chain = ? AND holder = ?', args: [chain, holder] }));
}
