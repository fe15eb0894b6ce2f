import { createHash } from 'node:crypto';
import { base58, bech32, bech32m, createBase58check } from '@scure/base';
// ox (viem's own core) rather than viem/utils: that barrel drags viem's contract-call code into every bundle chunk that imports it.
import { checksum as checksumAddress, validate as isEvmAddress } from 'ox/Address';
import { IdentifierError, quote } from './identifier.ts';

/** Wallets: EVM addresses EIP-55 checksummed (one key on every EVM chain); tron, solana and bitcoin checked in their own encodings. */

export const EVM_CHAINS = ['ethereum', 'bsc', 'polygon', 'arbitrum', 'base', 'optimism', 'avalanche'] as const;
export const WALLET_CHAINS = [...EVM_CHAINS, 'tron', 'solana', 'bitcoin'] as const;
export type WalletChain = (typeof WALLET_CHAINS)[number];
export type WalletFamily = 'evm' | 'tron' | 'solana' | 'bitcoin';

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());
const base58check = createBase58check(sha256);

const TRON_VERSION = 0x41;
const BITCOIN_P2PKH_VERSION = 0x00;
const BITCOIN_P2SH_VERSION = 0x05;

export function walletFamily(chain: WalletChain): WalletFamily {
  switch (chain) {
    case 'tron':
    case 'solana':
    case 'bitcoin':
      return chain;
    default:
      return 'evm';
  }
}

export function isWalletChain(chain: string): chain is WalletChain {
  return (WALLET_CHAINS as readonly string[]).includes(chain);
}

function tryDecode<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}

/** Returns the EIP-55 form, or a reason the address is refused. */
function checksumEvm(address: string): { address: string } | { reason: string } {
  if (!/^0x[0-9a-f]{40}$/i.test(address)) return { reason: 'expected 0x followed by 40 hex digits' };
  const hex = address.slice(2);
  // Single-case input carries no checksum (EIP-55), so it is accepted and checksummed;
  // mixed case claims a checksum and must match it.
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return { address: checksumAddress(`0x${hex.toLowerCase()}`) };
  const candidate = `0x${hex}`;
  if (!isEvmAddress(candidate, { strict: true })) return { reason: 'EIP-55 checksum mismatch (check for a typo)' };
  return { address: checksumAddress(candidate) };
}

function isTronAddress(address: string): boolean {
  const bytes = tryDecode(() => base58check.decode(address));
  return bytes?.length === 21 && bytes[0] === TRON_VERSION;
}

function isSolanaAddress(address: string): boolean {
  return tryDecode(() => base58.decode(address))?.length === 32;
}

/** Returns the stored spelling (bech32 lower-cased, base58 unchanged), or undefined. */
function canonicalBitcoinAddress(address: string): string | undefined {
  if (/^bc1/i.test(address)) return canonicalSegwitAddress(address);
  const bytes = tryDecode(() => base58check.decode(address));
  if (bytes?.length !== 21) return undefined;
  return bytes[0] === BITCOIN_P2PKH_VERSION || bytes[0] === BITCOIN_P2SH_VERSION ? address : undefined;
}

// BIP-173 / BIP-350 segwit address rules, mainnet only.
function canonicalSegwitAddress(address: string): string | undefined {
  const decoded = tryDecode(() => bech32.decode(address));
  const decodedM = decoded ? undefined : tryDecode(() => bech32m.decode(address));
  const found = decoded ?? decodedM;
  if (!found || found.prefix !== 'bc') return undefined;
  const [version, ...programWords] = found.words;
  if (version === undefined || version > 16) return undefined;
  // BIP-350 binds the checksum variant to the witness version; the other variant
  // decoding cleanly means a corrupted or mis-encoded address, not a valid one.
  if ((version === 0) !== Boolean(decoded)) return undefined;
  const program = tryDecode(() => (decoded ? bech32 : bech32m).fromWords(programWords));
  if (!program || program.length < 2 || program.length > 40) return undefined;
  if (version === 0 && program.length !== 20 && program.length !== 32) return undefined;
  return address.toLowerCase();
}

export type NormalizedWallet = { chain: WalletChain; family: WalletFamily; address: string; key: string };

export function normalizeWallet(chain: string, address: string): NormalizedWallet {
  const name = chain.trim().toLowerCase();
  if (!isWalletChain(name)) {
    throw new IdentifierError(`unknown wallet chain ${quote(chain.trim())}; supported chains: ${WALLET_CHAINS.join(', ')}`);
  }
  const family = walletFamily(name);
  const raw = address.trim();
  const refuse = (reason: string): never => {
    throw new IdentifierError(`not a valid ${name} address: ${quote(raw)} (${reason})`);
  };

  let canonical: string;
  switch (family) {
    case 'evm': {
      const result = checksumEvm(raw);
      canonical = 'address' in result ? result.address : refuse(result.reason);
      break;
    }
    case 'tron':
      canonical = isTronAddress(raw) ? raw : refuse('expected a base58check T… address');
      break;
    case 'solana':
      canonical = isSolanaAddress(raw) ? raw : refuse('expected base58 encoding 32 bytes');
      break;
    case 'bitcoin':
      canonical = canonicalBitcoinAddress(raw) ?? refuse('expected a 1…/3… base58check or bc1… segwit address');
      break;
  }
  // Every EVM chain shares one key space: the same address is the same holder.
  return { chain: name, family, address: canonical, key: `${family}:${canonical}` };
}

/**
 * The wallet key for a bare address whose chain is recognisable from its encoding,
 * or undefined. EVM addresses resolve to one key whatever the chain, so picking
 * ethereum here loses nothing.
 */
export function walletKeyFromAddress(address: string): string | undefined {
  if (/^0x[0-9a-f]{40}$/i.test(address)) return normalizeWallet('ethereum', address).key;
  if (isTronAddress(address)) return `tron:${address}`;
  const bitcoin = canonicalBitcoinAddress(address);
  if (bitcoin) return `bitcoin:${bitcoin}`;
  if (isSolanaAddress(address)) return `solana:${address}`;
  return undefined;
}

export function walletKey(value: string): string {
  const colon = value.indexOf(':');
  if (colon > 0) {
    const prefix = value.slice(0, colon).trim().toLowerCase();
    const address = value.slice(colon + 1);
    if (prefix === 'evm') return normalizeWallet('ethereum', address).key;
    return normalizeWallet(prefix, address).key;
  }
  const key = walletKeyFromAddress(value);
  if (!key) {
    throw new IdentifierError(
      `not a recognisable wallet address: ${quote(value)}; use <chain>:<address> with one of ${WALLET_CHAINS.join(', ')}`,
    );
  }
  return key;
}
