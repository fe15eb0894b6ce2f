import { describe, it, expect } from 'vitest';
import { detectIdentifier, normalizeIdentifier } from './detect.ts';
import { IdentifierError } from './identifier.ts';
import { BTC_P2PKH, BTC_P2SH, BTC_P2WPKH, BTC_TAPROOT, SOLANA, TW, USDT_TRON, WRAPPED_SOL, refusal } from './normalize.test-kit.ts';

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
