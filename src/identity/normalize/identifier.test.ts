import { describe, it, expect } from 'vitest';
import { IDENTIFIER_TYPES } from './identifier.ts';
import { EVM_CHAINS, WALLET_CHAINS } from './wallet.ts';

describe('constants', () => {
  it('lists every chain and identifier type', () => {
    expect(WALLET_CHAINS).toEqual([...EVM_CHAINS, 'tron', 'solana', 'bitcoin']);
    expect(IDENTIFIER_TYPES).toContain('wallet');
    expect(IDENTIFIER_TYPES).toHaveLength(9);
  });
});
