import { formatUnits } from 'viem';
import type { Store } from '../../db/client.ts';
import type { WalletKind } from '../../db/schema/constants.ts';
import { onchainReadings } from '../../db/schema/index.ts';
import { refreshWalletHolders } from '../audience/index-rows.ts';
import { names } from '../../db/sql-names.ts';
import { blockSchema, CHAIN_INFO, codeSchema, erc20Abi, MULTICALL3, multicall3Abi, validated, type ChainClient } from './client.ts';
import { feedCalls, priceJson, priceOf, valueMicros, type Price } from './prices.ts';
import type { Address } from './settings.ts';

export interface Holding {
  symbol: string;
  address: Address | null;
  balance: string;
  value_usdt: number | null;
  price: ReturnType<typeof priceJson>;
}

export interface Reading {
  chain: string;
  address: Address;
  kind: WalletKind;
  native: Holding;
  tokens: Holding[];
  valueMicros: number | null;
  block: number;
  blockAt: number;
  readAt: number;
}

/** EIP-7702: a delegated EOA's code is 0xef0100 followed by the 20-byte delegate address. */
export function kindOf(code: string | undefined): WalletKind {
  if (!code || code === '0x') return 'eoa';
  return /^0xef0100[0-9a-f]{40}$/i.test(code) ? 'delegated' : 'contract';
}

/**
 * Reads what `addresses` hold at one block: native and token balances and the feeds' prices in one
 * Multicall3 call (or one JSON-RPC batch where the chain has no Multicall3), and every address's code
 * in one batch. Everything is pinned to the same block, so the figures belong together.
 */
export async function readWallets(cc: ChainClient, addresses: Address[], now: () => number): Promise<Reading[]> {
  const { client, config } = cc;
  const block = validated(blockSchema, await client.getBlock({ blockTag: 'latest' }), 'block');
  const blockNumber = block.number;
  const feeds = feedCalls(config);
  const calls = [
    ...feeds.calls,
    ...addresses.flatMap((a) => [
      { address: MULTICALL3, abi: multicall3Abi, functionName: 'getEthBalance', args: [a] } as const,
      ...config.tokens.map((t) => ({ address: t.address, abi: erc20Abi, functionName: 'balanceOf', args: [a] }) as const),
    ]),
  ];
  const [results, codes] = await Promise.all([
    cc.multicall
      ? client.multicall({ contracts: calls, blockNumber, allowFailure: true, batchSize: 0 })
      : Promise.all(
          calls.map((c) =>
            c.address === MULTICALL3
              ? client.getBalance({ address: (c as unknown as { args: [Address] }).args[0], blockNumber }).then((result) => ({ status: 'success' as const, result }))
              : client.readContract({ ...c, blockNumber } as Parameters<typeof client.readContract>[0]).then(
                  (result) => ({ status: 'success' as const, result }),
                  (error: Error) => ({ status: 'failure' as const, error }),
                ),
          ),
        ),
    Promise.all(addresses.map((address) => client.getCode({ address, blockNumber }))),
  ]);
  if (results.length !== calls.length) throw new Error(`multicall answered ${results.length} results for ${calls.length} calls`);
  const prices = feeds.parse(results.slice(0, feeds.calls.length) as { status: 'success' | 'failure'; result?: unknown }[]);
  const per = 1 + config.tokens.length;
  const info = CHAIN_INFO[cc.chain];
  const readAt = now();
  return addresses.map((address, i) => {
    const row = results.slice(feeds.calls.length + i * per, feeds.calls.length + (i + 1) * per) as { status: string; result?: unknown }[];
    let total: bigint | null = null;
    const holding = (symbol: string, token: Address | null, decimals: number, r: { status: string; result?: unknown } | undefined): Holding | null => {
      if (r?.status !== 'success' || typeof r.result !== 'bigint') return null;
      const price: Price | undefined = priceOf(symbol, prices);
      const micros = price ? valueMicros(r.result, decimals, price) : null;
      if (micros !== null) total = (total ?? 0n) + micros;
      return { symbol, address: token, balance: formatUnits(r.result, decimals), value_usdt: micros === null ? null : Number(micros) / 1e6, price: priceJson(price) };
    };
    const native = holding(info.native, null, info.nativeDecimals, row[0]);
    if (!native) throw new Error(`the node did not answer the native balance of ${address}`);
    const tokens = config.tokens.map((t, j) => holding(t.symbol, t.address, t.decimals, row[1 + j])).filter((h): h is Holding => h !== null);
    return {
      chain: cc.chain, address, kind: kindOf(validated(codeSchema, codes[i], 'code')), native, tokens,
      valueMicros: total === null ? null : Number(total), block: Number(blockNumber), blockAt: Number(block.timestamp) * 1000, readAt,
    };
  });
}

const R = names(onchainReadings);
const READING_COLS = [R.chain, R.address, R.kind, R.holdings, R.valueMicros, R.block, R.blockAt, R.readAt];
const SET_READING = READING_COLS.slice(2).map((c) => `${c} = excluded.${c}`);
const UPSERT = `
  INSERT INTO ${R.$} (${READING_COLS.join(', ')})
  SELECT ${READING_COLS.map((_, i) => `j.value ->> ${i}`).join(', ')} FROM json_each(?) AS j WHERE true
  ON CONFLICT (${R.chain}, ${R.address}) DO UPDATE SET ${SET_READING.slice(0, 3).join(', ')},
    ${SET_READING.slice(3).join(', ')}
  WHERE excluded.${R.block} >= ${R.$}.${R.block}
  RETURNING ${R.chain} AS chain, ${R.address} AS address`;

/**
 * Stores readings in one statement; an older block never replaces a newer reading (two instances
 * refreshing). The customers holding a wallet whose reading was written get their audience row (net
 * worth, for `networth:`) rewritten in the same transaction, so `find` never disagrees with the profile.
 */
export async function storeReadings(store: Store, readings: Reading[]): Promise<void> {
  if (!readings.length) return;
  const rows = readings.map((r) => [r.chain, r.address, r.kind, JSON.stringify({ native: r.native, tokens: r.tokens }), r.valueMicros, r.block, r.blockAt, r.readAt]);
  await store.write(async (tx) => {
    const written = await tx.$client.execute({ sql: UPSERT, args: [JSON.stringify(rows)] });
    await refreshWalletHolders(tx, written.rows.map((w) => [String(w.chain), String(w.address)]));
  });
}
