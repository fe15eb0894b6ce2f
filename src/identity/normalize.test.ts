import { describe, it, expect } from 'vitest';
import {
  DEFAULT_BLOCKED_VALUES,
  EVM_CHAINS,
  IDENTIFIER_TYPES,
  IdentifierError,
  WALLET_CHAINS,
  detectIdentifier,
  formatPhoneInternational,
  isBlockedValue,
  normalizeEmail,
  normalizeIdentifier,
  normalizePhone,
  normalizeWallet,
  walletFamily,
} from './normalize.ts';

const TW = { defaultRegion: 'TW' };

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

const USDT_TRON = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const WRAPPED_SOL = 'So11111111111111111111111111111111111111112';
const SOLANA = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const BTC_P2PKH = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa';
const BTC_P2SH = '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy';
const BTC_P2WPKH = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
const BTC_TAPROOT = 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0'; // BIP-350 valid

function refusal(fn: () => unknown): IdentifierError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(IdentifierError);
    return error as IdentifierError;
  }
  throw new Error('expected an IdentifierError');
}

describe('constants', () => {
  it('lists every chain and identifier type', () => {
    expect(WALLET_CHAINS).toEqual([...EVM_CHAINS, 'tron', 'solana', 'bitcoin']);
    expect(IDENTIFIER_TYPES).toContain('wallet');
    expect(IDENTIFIER_TYPES).toHaveLength(9);
  });
});

describe('isBlockedValue', () => {
  it.each(['', '   ', 'null', 'NULL', 'undefined', 'Anonymous', ' unknown ', '0', '-1', 'none', 'N/A', '[object Object]'])(
    'blocks %j',
    (value) => expect(isBlockedValue(value)).toBe(true),
  );

  it.each([
    'test@test.com',
    'TEST@example.com',
    'test@gmail.com',
    'noreply@shop.tw',
    'no-reply@github.com',
    'donotreply@bank.co.kr',
    'unknown@corp.com',
    'alice@test.com',
    'bob@mail.test',
    'carol@foo.invalid',
  ])('blocks placeholder email %j', (value) => expect(isBlockedValue(value)).toBe(true));

  it.each(['alice@example.com', 'bob@example.org', 'tester@gmail.com', 'alice', '12345', 'u_01ARZ3NDEKTSV4RRFFQ69G5FAV'])(
    'keeps %j',
    (value) => expect(isBlockedValue(value)).toBe(false),
  );

  it('blocks the EVM zero address', () => {
    expect(isBlockedValue('0x0000000000000000000000000000000000000000')).toBe(true);
  });

  it('takes a configurable extra list, case-insensitively', () => {
    expect(isBlockedValue('guest', ['GUEST'])).toBe(true);
    expect(isBlockedValue(' Guest ', ['guest'])).toBe(true);
    expect(isBlockedValue('guest')).toBe(false);
  });

  it('is exported as a list', () => {
    expect(DEFAULT_BLOCKED_VALUES).toContain('anonymous');
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Alice.Smith+VIP@Example.COM ')).toBe('alice.smith+vip@example.com');
  });

  it.each(['foo@', '@example.com', 'alice', 'alice@example', 'a@b@c.com', 'alice smith@example.com', 'alice@exa mple.com', 'alice..b@example.com', 'alice@-example.com'])(
    'refuses %j',
    (value) => expect(() => normalizeEmail(value)).toThrow(IdentifierError),
  );

  it('says what was wrong in the message', () => {
    expect(refusal(() => normalizeEmail('foo@')).message).toBe('not a valid email address: "foo@"');
  });
});

describe('normalizePhone', () => {
  it.each([
    ['0912 345 678', 'TW', '+886912345678'],
    ['0912-345-678', 'TW', '+886912345678'],
    ['+886 912 345 678', 'US', '+886912345678'],
    ['(02) 2345-6789', 'TW', '+886223456789'],
    ['(213) 373-4253', 'US', '+12133734253'],
    ['+1 213-373-4253', 'TW', '+12133734253'],
    ['011 886 912 345 678', 'US', '+886912345678'],
    ['07400 123456', 'GB', '+447400123456'],
    ['+44 20 7946 0958', 'TW', '+442079460958'],
    ['090-1234-5678', 'JP', '+819012345678'],
    ['+81 90 1234 5678', 'TW', '+819012345678'],
    ['010-1234-5678', 'KR', '+821012345678'],
    ['+82 10 1234 5678', 'TW', '+821012345678'],
    ['+49 1512 3456789', 'TW', '+4915123456789'],
    ['０９１２３４５６７８', 'TW', '+886912345678'],
    // 00, the common international prefix, where it is not the region's own (Taiwan dials out with 002)
    ['00886912345678', 'TW', '+886912345678'],
    ['00 44 20 7946 0958', 'TW', '+442079460958'],
    ['0082-10-1234-5678', 'US', '+821012345678'],
  ])('%s with region %s -> %s', (raw, region, e164) => {
    expect(normalizePhone(raw, region)).toBe(e164);
  });

  it('reads national numbers in the default region', () => {
    expect(normalizePhone('010-1234-5678', 'KR')).toBe('+821012345678');
    expect(() => normalizePhone('010-1234-5678', 'TW')).toThrow(IdentifierError);
  });

  it.each(['12345', '+886 12', '00886 12', '000886912345678', '0912 345 6789', '+1 555 0100', 'call 0912345678', 'abc', '0912345678 ext 12'])(
    'refuses %j',
    (raw) => expect(() => normalizePhone(raw, 'TW')).toThrow(IdentifierError),
  );

  it('treats an unknown default region as a configuration error', () => {
    const error = (() => {
      try {
        normalizePhone('0912345678', 'ZZ');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(IdentifierError);
  });

  it('formats E.164 for display', () => {
    expect(formatPhoneInternational('+886912345678')).toBe('+886 912 345 678');
    expect(formatPhoneInternational('+12133734253')).toBe('+1 213 373 4253');
    expect(() => formatPhoneInternational('0912345678')).toThrow(IdentifierError);
  });
});

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

describe('normalizeIdentifier', () => {
  it.each([
    ['external_id', '  crm-000123 ', 'crm-000123'],
    ['email', ' Alice@Example.com', 'alice@example.com'],
    ['phone', '0912 345 678', '+886912345678'],
    ['kakao_id', ' KakaoUser ', 'KakaoUser'],
    ['line_id', 'U4af4980629', 'U4af4980629'],
    ['discord', ' alice#0001 ', 'alice#0001'],
    ['telegram', '@alice_tw', '@alice_tw'],
    ['x', ' @AliceTW ', '@AliceTW'],
    ['wallet', 'bsc:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'evm:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'],
    ['wallet', 'evm:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'evm:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'],
    ['wallet', `tron:${USDT_TRON}`, `tron:${USDT_TRON}`],
    ['wallet', BTC_TAPROOT, `bitcoin:${BTC_TAPROOT}`],
  ] as const)('%s %j -> %j', (type, raw, expected) => {
    expect(normalizeIdentifier(type, raw, TW)).toBe(expected);
  });

  it('refuses malformed emails, phones and wallets, and empty values', () => {
    expect(() => normalizeIdentifier('email', 'foo@', TW)).toThrow(IdentifierError);
    expect(() => normalizeIdentifier('phone', '12345', TW)).toThrow(IdentifierError);
    expect(() => normalizeIdentifier('wallet', 'tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', TW)).toThrow(IdentifierError);
    expect(() => normalizeIdentifier('wallet', 'not-an-address', TW)).toThrow(IdentifierError);
    expect(() => normalizeIdentifier('kakao_id', '   ', TW)).toThrow(IdentifierError);
  });
});

describe('detectIdentifier', () => {
  const evmKey = 'evm:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

  it.each([
    ['u_01arz3ndektsv4rrffq69g5fav', 'unified_id', 'u_01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    ['ext:crm-000123', 'external_id', 'crm-000123'],
    ['external_id: 42', 'external_id', '42'],
    ['EXT:a:b', 'external_id', 'a:b'],
    ['kakao:KakaoUser', 'kakao_id', 'KakaoUser'],
    ['kakao_id:KakaoUser', 'kakao_id', 'KakaoUser'],
    ['line:U4af4980629', 'line_id', 'U4af4980629'],
    ['line_id:U4af4980629', 'line_id', 'U4af4980629'],
    ['discord:alice', 'discord', 'alice'],
    ['telegram:alice_tw', 'telegram', 'alice_tw'],
    ['tg:alice_tw', 'telegram', 'alice_tw'],
    ['x:AliceTW', 'x', 'AliceTW'],
    ['email:Alice@Example.com', 'email', 'alice@example.com'],
    ['phone:0912 345 678', 'phone', '+886912345678'],
    ['00886912345678', 'phone', '+886912345678'],
    ['wallet:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'wallet', evmKey],
    ['ethereum:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'wallet', evmKey],
    ['polygon:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'wallet', evmKey],
    [evmKey, 'wallet', evmKey],
    [`tron:${USDT_TRON}`, 'wallet', `tron:${USDT_TRON}`],
    [`solana:${SOLANA}`, 'wallet', `solana:${SOLANA}`],
    [`bitcoin:${BTC_P2WPKH.toUpperCase()}`, 'wallet', `bitcoin:${BTC_P2WPKH}`],
  ] as const)('prefixed %j -> %s %j', (input, type, value) => {
    expect(detectIdentifier(input, TW)).toEqual({ type, value });
  });

  it.each([
    [' Alice@Example.com ', 'email', 'alice@example.com'],
    ['0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', 'wallet', evmKey],
    [USDT_TRON, 'wallet', `tron:${USDT_TRON}`],
    [BTC_P2PKH, 'wallet', `bitcoin:${BTC_P2PKH}`],
    [BTC_P2SH, 'wallet', `bitcoin:${BTC_P2SH}`],
    [BTC_P2WPKH, 'wallet', `bitcoin:${BTC_P2WPKH}`],
    [BTC_TAPROOT, 'wallet', `bitcoin:${BTC_TAPROOT}`],
    [SOLANA, 'wallet', `solana:${SOLANA}`],
    [WRAPPED_SOL, 'wallet', `solana:${WRAPPED_SOL}`],
    ['+886 912 345 678', 'phone', '+886912345678'],
    ['0912-345-678', 'phone', '+886912345678'],
    ['(02) 2345-6789', 'phone', '+886223456789'],
    ['+1 (213) 373-4253', 'phone', '+12133734253'],
  ] as const)('bare %j -> %s %j', (input, type, value) => {
    expect(detectIdentifier(input, TW)).toEqual({ type, value });
  });

  it('reads national numbers in the configured region', () => {
    expect(detectIdentifier('010-1234-5678', { defaultRegion: 'KR' })).toEqual({ type: 'phone', value: '+821012345678' });
  });

  it.each(['alice', '12345', 'foo@', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', 'u_01ARZ3NDEKTSV4RRFFQ69G5FA', 'https://example.com', '0912 345 6789'])(
    'cannot tell what %j is',
    (input) => {
      expect(refusal(() => detectIdentifier(input, TW)).message).toBe(
        `could not tell what kind of identifier "${input}" is; try ext:<id>, kakao:<id>, line:<id>, an email, a phone number, a wallet address or a unified id`,
      );
    },
  );

  it('reports the real problem when the form is unambiguous', () => {
    expect(refusal(() => detectIdentifier('0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', TW)).message).toMatch(/checksum/);
    expect(refusal(() => detectIdentifier('+886 12', TW)).message).toMatch(/not a valid phone number/);
    expect(refusal(() => detectIdentifier('tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', TW)).message).toMatch(/not a valid tron address/);
    expect(refusal(() => detectIdentifier('email:foo@', TW)).message).toBe('not a valid email address: "foo@"');
    expect(refusal(() => detectIdentifier('ext:', TW)).message).toMatch(/empty external_id/);
  });
});
