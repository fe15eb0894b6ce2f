import { expect } from 'vitest';
import { IdentifierError } from './identifier.ts';

/** What the per-kind normaliser tests share: the default region and real addresses of each chain. */
export const TW = { defaultRegion: 'TW' };

export const USDT_TRON = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
export const WRAPPED_SOL = 'So11111111111111111111111111111111111111112';
export const SOLANA = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
export const BTC_P2PKH = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa';
export const BTC_P2SH = '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy';
export const BTC_P2WPKH = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
export const BTC_TAPROOT = 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0'; // BIP-350 valid

/** The IdentifierError `fn` throws (anything else, or nothing, fails the test). */
export function refusal(fn: () => unknown): IdentifierError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(IdentifierError);
    return error as IdentifierError;
  }
  throw new Error('expected an IdentifierError');
}
