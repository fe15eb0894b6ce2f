import { describe, it, expect } from 'vitest';
import { DEFAULT_BLOCKED_VALUES, isBlockedValue } from './blocked.ts';

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
