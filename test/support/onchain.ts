import pino from 'pino';
import { parseConfig, type ChainConfig } from '../../src/config.ts';
import { connectChain } from '../../src/onchain/client.ts';
import { ChainIndexer } from '../../src/onchain/indexer.ts';
import type { Store } from '../../db/client.ts';
import type { Clock } from '../../src/time.ts';

export const quietLog = pino({ level: 'silent' });

/** The EVM part of the real config parser, from the settings a test would put in the environment. */
export function evmConfig(env: Record<string, string>) {
  const evm = parseConfig(env).evm;
  if (!evm) throw new Error('no EVM_RPC_URLS in the test settings');
  return evm;
}

/** An indexer for one configured chain, stepped by the test itself (no timers). */
export async function testIndexer(config: ChainConfig, deps: { store: Store; identity: ReturnType<typeof parseConfig>['identity']; clock: Clock }, opts: { holder?: string; confirmations?: number; logWindow?: number } = {}) {
  const cc = await connectChain(config, { retryCount: 0, timeoutMs: 3000 });
  const indexer = new ChainIndexer(cc, {
    ...deps, log: quietLog, confirmations: opts.confirmations ?? 0, logWindow: opts.logWindow ?? 1000, holder: opts.holder ?? 'test', leaseMs: 60_000,
  });
  /** Steps until caught up; returns the states seen. */
  const catchUp = async () => {
    const states: string[] = [];
    for (let i = 0; i < 100; i++) {
      const s = await indexer.step();
      states.push(s);
      if (s !== 'more') return states;
    }
    throw new Error('indexer did not catch up in 100 steps');
  };
  return { cc, indexer, catchUp };
}
