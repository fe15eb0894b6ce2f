import type { Store } from '../../db/client.ts';
import { onchainRefreshRequests } from '../../db/schema/index.ts';
import { columnsOf } from '../../db/sql-names.ts';
import { getTableName } from 'drizzle-orm';

export interface WalletRef {
  chain: string;
  address: string;
}

/**
 * What the command layer may ask of the on-chain part, and all it may: which chains are read, how old
 * a reading may be before a lookup wants a fresh one, and a way to ask. Asking never calls a node; it
 * writes a row and wakes this instance's chain loops.
 */
export interface OnchainAccess {
  chains: readonly string[];
  staleAfterMs: number;
  requestRefresh(wallets: readonly WalletRef[]): Promise<boolean>;
}

/**
 * How old the on-chain part of an answer is, and whether a fresh reading was asked for. Renderers say
 * it beside the figures, because those come from the store: a lookup never waits for a node.
 */
export interface OnchainStatus {
  /** chains are read at all (EVM_RPC_URLS set) */
  configured: boolean;
  /** the oldest reading shown, and its age when the answer was made */
  read_at: string | null;
  age_seconds: number | null;
  /** a reading shown is older than EVM_STALE_MS */
  stale: boolean;
  /** configured chains (of the wallets shown) with no reading yet */
  missing_chains: string[];
  /** a fresh reading was asked for; the chain loop stores it, a later lookup shows it */
  refresh_requested: boolean;
}

export const TABLE = getTableName(onchainRefreshRequests);
export const [CHAIN, ADDRESS, AT, BY, UNTIL] = columnsOf(onchainRefreshRequests, ['chain', 'address', 'requestedAt', 'claimedBy', 'claimedUntil']) as [string, string, string, string, string];

// One statement however many wallets: the lookup's own write beside its audit row. Asking again keeps
// the first time asked (the row is the request, not a log of them).
const REQUEST = `INSERT INTO ${TABLE} (${CHAIN}, ${ADDRESS}, ${AT})
  SELECT j.value ->> 0, j.value ->> 1, ? FROM json_each(?) AS j WHERE true
  ON CONFLICT (${CHAIN}, ${ADDRESS}) DO NOTHING`;

export async function requestRefresh(store: Store, wallets: readonly WalletRef[], now: number): Promise<void> {
  if (!wallets.length) return;
  await store.writeOne({ sql: REQUEST, args: [now, JSON.stringify(wallets.map((w) => [w.chain, w.address]))] });
}

/** The command layer's view of the on-chain part; `wake` runs this instance's chain loops now. */
export function onchainAccess(
  store: Store,
  settings: { chains: readonly string[]; staleAfterMs: number },
  now: () => number,
  wake: () => void,
  warn: (message: string) => void,
): OnchainAccess {
  return {
    ...settings,
    async requestRefresh(wallets) {
      const wanted = wallets.filter((w) => settings.chains.includes(w.chain));
      if (!wanted.length) return false;
      try {
        await requestRefresh(store, wanted, now());
      } catch (e) {
        // The lookup has its answer from the store already; a failed request is retried by the next lookup.
        warn(`refresh request not stored: ${(e as Error).message.split('\n')[0]}`);
        return false;
      }
      wake();
      return true;
    },
  };
}
