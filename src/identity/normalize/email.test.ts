import { describe, it, expect } from 'vitest';
import { normalizeEmail } from './email.ts';
import { IdentifierError } from './identifier.ts';
import { refusal } from './normalize.test-kit.ts';

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
