import { describe, it, expect } from 'vitest';
import { IdentifierError } from './identifier.ts';
import { formatPhoneInternational, normalizePhone } from './phone.ts';

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
