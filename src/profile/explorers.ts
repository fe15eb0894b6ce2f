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

const EVM_TX = /^0x[0-9a-fA-F]{64}$/;
const HEX_TX = /^[0-9a-fA-F]{64}$/;
/** A solana signature is 64 bytes in base58: 64 to 88 characters of its alphabet, nothing else. */
const SOLANA_TX = /^[1-9A-HJ-NP-Za-km-z]{64,88}$/;
const TX_EXPLORERS: Record<WalletChain, [string, RegExp]> = {
  ethereum: ['https://etherscan.io/tx/', EVM_TX],
  bsc: ['https://bscscan.com/tx/', EVM_TX],
  polygon: ['https://polygonscan.com/tx/', EVM_TX],
  arbitrum: ['https://arbiscan.io/tx/', EVM_TX],
  base: ['https://basescan.org/tx/', EVM_TX],
  optimism: ['https://optimistic.etherscan.io/tx/', EVM_TX],
  avalanche: ['https://snowtrace.io/tx/', EVM_TX],
  tron: ['https://tronscan.org/#/transaction/', HEX_TX],
  solana: ['https://solscan.io/tx/', SOLANA_TX],
  bitcoin: ['https://mempool.space/tx/', HEX_TX],
};

/**
 * The explorer page of a transaction, only when the hash has its chain's shape: a hash is whatever the
 * source system sent, and a link made of free text could point anywhere or break the message's markup.
 */
export function txExplorerUrl(chain: string, hash: string): string | null {
  const entry = Object.hasOwn(TX_EXPLORERS, chain) ? TX_EXPLORERS[chain as WalletChain] : undefined;
  return entry && entry[1].test(hash) ? entry[0] + hash : null;
}
