import { readFileSync } from 'node:fs';
import { createPublicClient, createTestClient, createWalletClient, defineChain, getAddress, http, type Abi, type Hex } from 'viem';
import { MULTICALL3 } from '../../src/onchain/client.ts';
import { startAnvil, type Anvil } from './anvil.ts';

type Artifact = { abi: Abi; bytecode: Hex; deployedBytecode: Hex };
const artifact = (name: string) => JSON.parse(readFileSync(new URL(`../contracts/artifacts/${name}.json`, import.meta.url), 'utf8')) as Artifact;
export const TOKEN = artifact('TestToken');
export const FEED = artifact('TestPriceFeed');
export const MULTICALL = artifact('Multicall3');

/** Anvil's first funded account (unlocked on the node, so transactions need no key here). */
export const DEPLOYER = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' as const;

/**
 * A real chain for a test: Anvil with the given chain id, Multicall3 at its canonical address, and
 * helpers to deploy the test ERC-20 and price feed and to mine blocks at explicit timestamps.
 */
export async function startChain(opts: { chainId: number; multicall?: boolean; port?: number; genesis?: number; args?: string[] }) {
  const anvil = await startAnvil({ chainId: opts.chainId, port: opts.port, args: [...(opts.genesis ? ['--timestamp', String(opts.genesis)] : []), ...(opts.args ?? [])] });
  return chainOn(anvil, opts);
}

export async function chainOn(anvil: Anvil, opts: { chainId: number; multicall?: boolean }) {
  const chain = defineChain({ id: opts.chainId, name: 'local', nativeCurrency: { name: 'ETH', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [anvil.url] } } });
  const transport = http(anvil.url, { retryCount: 0 });
  const test = createTestClient({ chain, mode: 'anvil', transport });
  const pub = createPublicClient({ chain, transport, cacheTime: 0 });
  const wallet = createWalletClient({ chain, transport, account: DEPLOYER });
  if (opts.multicall !== false) await test.setCode({ address: MULTICALL3, bytecode: MULTICALL.deployedBytecode });
  // Every block is mined here at an explicit time (automine would stamp the wall clock).
  let ts = Number((await pub.getBlock()).timestamp);

  /** Mines one block at `at` (seconds) or a second after the last one, and returns its number. */
  const mine = async (at?: number) => {
    ts = at ?? ts + 1;
    await test.setNextBlockTimestamp({ timestamp: BigInt(ts) });
    await test.mine({ blocks: 1 });
    return Number(await pub.getBlockNumber());
  };
  /** Sends a transaction and mines it in its own block at `at`. */
  const send = async (tx: Parameters<typeof wallet.writeContract>[0], at?: number) => {
    await test.setAutomine(false);
    const hash = await wallet.writeContract(tx);
    await mine(at);
    await test.setAutomine(true);
    const receipt = await pub.getTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
    return receipt;
  };
  const deploy = async (a: Artifact, args: unknown[]) => {
    await test.setAutomine(false);
    const hash = await wallet.deployContract({ abi: a.abi, bytecode: a.bytecode, args });
    await mine();
    await test.setAutomine(true);
    return getAddress((await pub.getTransactionReceipt({ hash })).contractAddress!);
  };
  const deployToken = (symbol: string, decimals: number) => deploy(TOKEN, [symbol, symbol, decimals]);
  const deployFeed = (decimals: number, answer: bigint) => deploy(FEED, [decimals, answer]);
  const now = () => ts;
  return { anvil, url: anvil.url, test, pub, wallet, mine, send, deployToken, deployFeed, now, stop: () => anvil.stop() };
}

export type TestChain = Awaited<ReturnType<typeof startChain>>;
