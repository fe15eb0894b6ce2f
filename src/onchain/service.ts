import { randomUUID } from 'node:crypto';
import type { Store } from '../../db/client.ts';
import type { EvmConfig, IdentityConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../time.ts';
import { ChainMismatchError, connectChain, type ChainClient } from './client.ts';
import { retryAfterMs, rpcErrorMessage } from './rpc-fetch.ts';
import { ChainIndexer } from './indexer.ts';
import { refreshReadings } from './refresh.ts';
import { serveRefreshRequests } from './serve-requests.ts';

export interface OnchainDeps {
  store: Store;
  identity: IdentityConfig;
  clock: Clock;
  log: Logger;
  evm: EvmConfig;
  /** Names this instance in the chain leases; a fresh id per start by default. */
  holder?: string;
  /** Told how each round ended (caught up, or standing by for another instance's lease). */
  onStep?: (chain: string, state: 'idle' | 'standby' | 'more') => void;
}

const MAX_BACKOFF_MS = 60_000;

/**
 * At start-up: a node that answers with another chain id is a configuration mistake and throws; a node
 * that does not answer yet is only logged (the chain's loop keeps trying, lookups answer from the store).
 */
export async function checkChains(evm: EvmConfig, log: Logger): Promise<void> {
  await Promise.all(
    evm.chains.map(async (config) => {
      try {
        await connectChain(config, { timeoutMs: Math.min(5000, evm.rpcTimeoutMs), retryCount: 1 });
      } catch (e) {
        if (e instanceof ChainMismatchError) throw e;
        log.warn({ chain: config.chain, err: { message: rpcErrorMessage(e) } }, 'chain node not reachable at start; will keep trying');
      }
    }),
  );
}

/**
 * One loop per chain, each on its own timer: connect (chain id checked), index while there is work,
 * refresh stale wallet readings, sleep `pollMs`. Errors (timeouts, 429, 5xx, malformed answers, a node
 * gone) back off exponentially up to a minute; lookups keep answering from the store meanwhile.
 */
export function startOnchain(deps: OnchainDeps) {
  const holder = deps.holder ?? randomUUID();
  const { evm, log } = deps;
  const now = () => deps.clock().getTime();
  let stopped = false;
  const wakers = new Set<{ done: () => void; backingOff: boolean }>();
  // A kick that comes while a loop is mid-round finds no waker; the loop sees this and runs again
  // instead of sleeping a whole poll on a request it may have missed.
  const kicked = evm.chains.map(() => false);
  const loops = evm.chains.map(async (config, i) => {
    let cc: ChainClient | undefined;
    let indexer: ChainIndexer | undefined;
    let failures = 0;
    while (!stopped) {
      let wait = evm.pollMs;
      kicked[i] = false;
      try {
        if (!cc) {
          cc = await connectChain(config, { timeoutMs: evm.rpcTimeoutMs });
          indexer = new ChainIndexer(cc, { ...deps, confirmations: evm.confirmations, logWindow: evm.logWindow, holder, leaseMs: Math.max(evm.leaseMs, evm.pollMs * 3) });
          log.info({ chain: config.chain, multicall: cc.multicall }, 'chain connected');
        }
        let state: Awaited<ReturnType<ChainIndexer['step']>>;
        // Wallets a lookup asked for go first, and between backfill steps too: the person is waiting.
        do {
          await serveRefreshRequests(deps.store, cc, now);
          state = await indexer!.step();
        } while (state === 'more' && !stopped);
        deps.onStep?.(config.chain, state);
        await refreshReadings(deps.store, cc, now, evm.refreshMs);
        failures = 0;
      } catch (e) {
        if (e instanceof ChainMismatchError) {
          log.error({ chain: config.chain, err: { message: e.message } }, 'wrong chain behind EVM_RPC_URLS; this chain is not followed');
          return;
        }
        failures++;
        // Exponential, and never sooner than a 429's Retry-After asked (viem's own retries honour it too).
        wait = Math.max(Math.min(MAX_BACKOFF_MS, evm.pollMs * 2 ** Math.min(failures, 10)), Math.min(retryAfterMs(e) ?? 0, 10 * MAX_BACKOFF_MS));
        log.warn({ chain: config.chain, failures, retry_in_ms: wait, err: { message: rpcErrorMessage(e) } }, 'chain step failed; backing off');
      }
      const backingOff = failures > 0;
      // stop() wakes the sleepers it finds; a loop that was mid-round must not start a sleep after it.
      if (stopped) break;
      if (kicked[i] && !backingOff) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, wait);
        function done() {
          clearTimeout(t);
          wakers.delete(waker);
          resolve();
        }
        // A lookup's kick does not cut a backoff short (a 429 asked for that wait); stop() always does.
        const waker = { done, backingOff };
        wakers.add(waker);
      });
    }
  });
  return {
    holder,
    /** A lookup found a stale or missing reading: run the loops now instead of at the next poll. */
    kick: () => {
      kicked.fill(true);
      [...wakers].filter((w) => !w.backingOff).forEach((w) => w.done());
    },
    async stop() {
      stopped = true;
      [...wakers].forEach((w) => w.done());
      await Promise.all(loops);
    },
  };
}

export type Onchain = ReturnType<typeof startOnchain>;
