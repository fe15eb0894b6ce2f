import type { OnchainStatus, WalletRef } from '../src/onchain/requests.ts';
import type { CommandContext } from './types.ts';

export type { OnchainStatus };


/**
 * `wallets`: what the answer shows, each with its reading's time (null: never read). Wallets on chains
 * that are not read are left out. Stale or missing ones are asked for through `ctx.onchain` (a row in
 * the database, so any instance serves it); this never calls a node itself.
 */
export async function onchainStatus(ctx: CommandContext, wallets: ReadonlyArray<WalletRef & { read_at: string | null }>): Promise<OnchainStatus> {
  const access = ctx.onchain;
  const now = ctx.clock().getTime();
  const read = wallets.filter((w) => w.read_at !== null).map((w) => Date.parse(w.read_at!));
  const oldest = read.length ? Math.min(...read) : null;
  const followed = access ? wallets.filter((w) => access.chains.includes(w.chain)) : [];
  const due = followed.filter((w) => w.read_at === null || now - Date.parse(w.read_at) > access!.staleAfterMs);
  const refresh_requested = due.length > 0 && (await access!.requestRefresh(due.map(({ chain, address }) => ({ chain, address }))));
  return {
    configured: Boolean(access?.chains.length),
    read_at: oldest === null ? null : new Date(oldest).toISOString(),
    age_seconds: oldest === null ? null : Math.max(0, Math.round((now - oldest) / 1000)),
    stale: due.some((w) => w.read_at !== null),
    missing_chains: [...new Set(followed.filter((w) => w.read_at === null).map((w) => w.chain))],
    refresh_requested,
  };
}
