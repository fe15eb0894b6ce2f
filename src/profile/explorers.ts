import type { WalletChain } from '../identity/normalize.ts';

const EXPLORERS: Record<WalletChain, string> = {
  ethereum: 'https://etherscan.io/address/',
  bsc: 'https://bscscan.com/address/',
  polygon: 'https://polygonscan.com/address/',
  arbitrum: 'https://arbiscan.io/address/',
  base: 'https://basescan.org/address/',
  optimism: 'https://optimistic.etherscan.io/address/',
  avalanche: 'https://snowtrace.io/address/',
  tron: 'https://tronscan.org/#/address/',
  solana: 'https://solscan.io/account/',
  bitcoin: 'https://mempool.space/address/',
};

export function explorerUrl(chain: string, address: string): string | null {
  const base = EXPLORERS[chain as WalletChain];
  return base ? base + address : null;
}
