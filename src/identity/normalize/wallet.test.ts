import { describe, it, expect } from 'vitest';
import { IdentifierError } from './identifier.ts';
import { BTC_P2PKH, BTC_P2SH, BTC_P2WPKH, BTC_TAPROOT, SOLANA, USDT_TRON, WRAPPED_SOL, refusal } from './normalize.test-kit.ts';
import { EVM_CHAINS, normalizeWallet, walletFamily } from './wallet.ts';

// EIP-55's own test vectors: each is already in checksum form.
const EIP55 = [
  '0x52908400098527886E0F7030069857D2E4169EE7', // all caps
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77', // all lower
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', // normal
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

describe('normalizeWallet: EVM', () => {
  it.each(EIP55)('%s is its own checksum form, from any single case', (address) => {
    const body = address.slice(2);
    expect(normalizeWallet('ethereum', `0x${body.toLowerCase()}`).address).toBe(address);
    expect(normalizeWallet('ethereum', `0x${body.toUpperCase()}`).address).toBe(address);
    expect(normalizeWallet('ethereum', address).address).toBe(address);
  });

  it('refuses a mixed-case address with a wrong checksum', () => {
    const error = refusal(() => normalizeWallet('ethereum', '0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'));
    expect(error.message).toMatch(/checksum/);
  });

  it('gives one key for the same address on every EVM chain', () => {
    const onEthereum = normalizeWallet('ethereum', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed');
    const onBsc = normalizeWallet('BSC', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
    expect(onEthereum.key).toBe('evm:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
    expect(onBsc.key).toBe(onEthereum.key);
    expect(onBsc).toMatchObject({ chain: 'bsc', family: 'evm' });
    for (const chain of EVM_CHAINS) expect(normalizeWallet(chain, onBsc.address).key).toBe(onEthereum.key);
  });

  it.each(['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe', '5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0xZZAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'])(
    'refuses malformed %j',
    (address) => expect(() => normalizeWallet('ethereum', address)).toThrow(IdentifierError),
  );
});

describe('normalizeWallet: tron, solana, bitcoin', () => {
  it('accepts a tron address and keys it per chain', () => {
    expect(normalizeWallet('tron', ` ${USDT_TRON} `)).toEqual({
      chain: 'tron',
      family: 'tron',
      address: USDT_TRON,
      key: `tron:${USDT_TRON}`,
    });
  });

  it('refuses a tron address with one character changed', () => {
    expect(() => normalizeWallet('tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u')).toThrow(IdentifierError);
    expect(() => normalizeWallet('tron', 'tr7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t')).toThrow(IdentifierError);
  });

  it('refuses a bitcoin address on tron and vice versa', () => {
    expect(() => normalizeWallet('tron', BTC_P2PKH)).toThrow(IdentifierError);
    expect(() => normalizeWallet('bitcoin', USDT_TRON)).toThrow(IdentifierError);
  });

  it.each([WRAPPED_SOL, SOLANA, '11111111111111111111111111111111'])('accepts solana %s', (address) => {
    expect(normalizeWallet('solana', address).key).toBe(`solana:${address}`);
  });

  it('refuses solana strings that are not 32 bytes or not base58', () => {
    expect(() => normalizeWallet('solana', SOLANA.slice(0, -4))).toThrow(IdentifierError);
    expect(() => normalizeWallet('solana', `${SOLANA}A`)).toThrow(IdentifierError);
    expect(() => normalizeWallet('solana', SOLANA.replace('N', '0'))).toThrow(IdentifierError);
  });

  it.each([
    [BTC_P2PKH, BTC_P2PKH],
    [BTC_P2SH, BTC_P2SH],
    [BTC_P2WPKH, BTC_P2WPKH],
    [BTC_P2WPKH.toUpperCase(), BTC_P2WPKH],
    [BTC_TAPROOT, BTC_TAPROOT],
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'], // BIP-350 valid
    ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs'], // BIP-350 valid, v2
  ])('accepts bitcoin %s', (address, stored) => {
    expect(normalizeWallet('bitcoin', address)).toMatchObject({ address: stored, key: `bitcoin:${stored}` });
  });

  it.each([
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'v1 with a bech32 checksum'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'v0 with a bech32m checksum'],
    ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', 'v0 with a 16-byte program'],
    ['bc1gmk9yu', 'empty data'],
    ['bc1qAr0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'mixed case'],
    ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'testnet'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'base58check typo'],
  ])('refuses bitcoin %s (%s)', (address) => {
    expect(() => normalizeWallet('bitcoin', address)).toThrow(IdentifierError);
  });

  it('refuses an unknown chain, listing the supported ones', () => {
    const error = refusal(() => normalizeWallet('dogecoin', 'D123'));
    expect(error.message).toContain('ethereum, bsc, polygon, arbitrum, base, optimism, avalanche, tron, solana, bitcoin');
  });

  it('maps chains to families', () => {
    expect(EVM_CHAINS.map(walletFamily)).toEqual(EVM_CHAINS.map(() => 'evm'));
    expect(walletFamily('tron')).toBe('tron');
    expect(walletFamily('solana')).toBe('solana');
    expect(walletFamily('bitcoin')).toBe('bitcoin');
  });
});
