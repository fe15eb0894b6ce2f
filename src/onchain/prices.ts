import type { ChainConfig } from '../config.ts';
import { aggregatorAbi } from './client.ts';
import type { Address } from './settings.ts';

/** 1 token of these counts as 1 USDT (§7). */
export const STABLES = new Set(['USDT', 'USDC', 'DAI']);

/** A price in USDT millionths per whole token, and where it came from. */
export interface Price {
  micros: bigint;
  source: 'peg' | 'feed';
  feed?: Address;
  /** When the feed last updated (ms); a peg has no age. */
  updatedAt?: number;
}

export const PEG: Price = { micros: 1_000_000n, source: 'peg' };

/** The multicall contracts that read every feed of a chain, and the parser of their answers. */
export function feedCalls(config: ChainConfig) {
  const calls = config.feeds.flatMap((f) => [
    { address: f.address, abi: aggregatorAbi, functionName: 'decimals' } as const,
    { address: f.address, abi: aggregatorAbi, functionName: 'latestRoundData' } as const,
  ]);
  const parse = (results: { status: 'success' | 'failure'; result?: unknown }[]): Map<string, Price> => {
    const prices = new Map<string, Price>();
    config.feeds.forEach((f, i) => {
      const [dec, round] = [results[2 * i], results[2 * i + 1]];
      if (dec?.status !== 'success' || round?.status !== 'success') return;
      const decimals = Number(dec.result);
      const [, answer, , updatedAt] = round.result as readonly [bigint, bigint, bigint, bigint, bigint];
      // A feed answering zero or less has no price to give; the token is shown without a value.
      if (typeof answer !== 'bigint' || answer <= 0n || !Number.isInteger(decimals) || decimals > 36) return;
      prices.set(f.symbol, { micros: (answer * 1_000_000n) / 10n ** BigInt(decimals), source: 'feed', feed: f.address, updatedAt: Number(updatedAt) * 1000 });
    });
    return prices;
  };
  return { calls, parse };
}

export function priceOf(symbol: string, feeds: Map<string, Price>): Price | undefined {
  return feeds.get(symbol) ?? (STABLES.has(symbol) ? PEG : undefined);
}

/** USDT millionths of `raw` base units of a token with `decimals`. */
export const valueMicros = (raw: bigint, decimals: number, p: Price) => (raw * p.micros) / 10n ** BigInt(decimals);

export const priceJson = (p: Price | undefined) =>
  p ? { source: p.source, ...(p.feed ? { feed: p.feed } : {}), usdt: Number(p.micros) / 1e6, ...(p.updatedAt !== undefined ? { updated_at: new Date(p.updatedAt).toISOString() } : {}) } : null;
