import { badString } from '../../unicode.ts';
import { normalizeEmail } from './email.ts';
import { IdentifierError, MAX_IDENTIFIER_LENGTH, quote, type IdentifierType } from './identifier.ts';
import { normalizePhone } from './phone.ts';
import { isWalletChain, walletKey, walletKeyFromAddress } from './wallet.ts';

/**
 * Normal form of a value already known not to be blocked (see isBlockedValue).
 * A wallet is given as `<chain>:<address>`, as its stored key, or as a bare
 * address whose encoding names its chain; the result is the key.
 */
export function normalizeIdentifier(type: IdentifierType, raw: string, opts: { defaultRegion: string }): string {
  const value = raw.trim();
  // Callers filter blocked values first; an empty identifier slipping through
  // would join every record that lacks one into a single customer.
  if (!value) throw new IdentifierError(`empty ${type}`);
  switch (type) {
    case 'email':
      return normalizeEmail(value);
    case 'phone':
      return normalizePhone(value, opts.defaultRegion);
    case 'wallet':
      return walletKey(value);
    default:
      return value;
  }
}

export type DetectedIdentifier = { type: IdentifierType | 'unified_id'; value: string };

// A Map, not an object literal: a typed prefix such as `__proto__:` or `constructor:` must find nothing.
const PREFIXES: ReadonlyMap<string, IdentifierType> = new Map<string, IdentifierType>([
  ['ext', 'external_id'],
  ['external_id', 'external_id'],
  ['kakao', 'kakao_id'],
  ['kakao_id', 'kakao_id'],
  ['line', 'line_id'],
  ['line_id', 'line_id'],
  ['discord', 'discord'],
  ['telegram', 'telegram'],
  ['tg', 'telegram'],
  ['x', 'x'],
  ['email', 'email'],
  ['mailto', 'email'],
  ['phone', 'phone'],
  ['tel', 'phone'],
  ['wallet', 'wallet'],
]);

const UNIFIED_ID = /^u_([0-7][0-9A-HJKMNP-TV-Z]{25})$/i;
const PHONE_LIKE = /^\+?[\d\s\-().]+$/;

// Slack-wrapped text is unwrapped by the command parser (commands/parse.ts) before it gets here; the
// bound allows for it anyway, since a wrapped value spells the identifier twice: `<mailto:V|V>`.
const MAX_LOOKUP_INPUT = 2 * MAX_IDENTIFIER_LENGTH + 16;

function unlessInvalid<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof IdentifierError) return undefined;
    throw error;
  }
}

const UNRECOGNISED = (input: string) =>
  new IdentifierError(
    `could not tell what kind of identifier ${quote(input)} is; try ext:<id>, kakao:<id>, line:<id>, an email, a phone number, a wallet address or a unified id`,
  );

/** Reads what a user typed to look a customer up: any accepted spelling of any identifier. */
export function detectIdentifier(input: string, opts: { defaultRegion: string }): DetectedIdentifier {
  // Bounds first, before any pattern sees the text: nothing longer can be a stored identifier, and a
  // lone surrogate or NUL must not reach the database driver.
  if (input.length > MAX_LOOKUP_INPUT) throw new IdentifierError(`an identifier is at most ${MAX_IDENTIFIER_LENGTH} characters; this one has ${input.length}`);
  const bad = badString(input);
  if (bad) throw new IdentifierError(`the identifier ${bad}`);
  const text = input.trim();
  if (text.length > MAX_IDENTIFIER_LENGTH) throw new IdentifierError(`an identifier is at most ${MAX_IDENTIFIER_LENGTH} characters; this one has ${text.length}`);

  const unified = UNIFIED_ID.exec(text);
  if (unified?.[1]) return { type: 'unified_id', value: `u_${unified[1].toUpperCase()}` };

  const colon = text.indexOf(':');
  if (colon > 0) {
    const prefix = text.slice(0, colon).toLowerCase();
    const rest = text.slice(colon + 1).trim();
    const type = PREFIXES.get(prefix);
    if (type) return { type, value: normalizeIdentifier(type, rest, opts) };
    if (prefix === 'evm' || isWalletChain(prefix)) return { type: 'wallet', value: walletKey(`${prefix}:${rest}`) };
  }

  if (text.includes('@')) {
    const email = unlessInvalid(() => normalizeEmail(text));
    if (email) return { type: 'email', value: email };
    throw UNRECOGNISED(text);
  }

  const wallet = walletKeyFromAddress(text);
  if (wallet) return { type: 'wallet', value: wallet };

  if (PHONE_LIKE.test(text)) {
    // A leading + can only mean a phone number, so say what is wrong with it.
    if (text.startsWith('+')) return { type: 'phone', value: normalizePhone(text, opts.defaultRegion) };
    const digits = text.replace(/\D/g, '').length;
    const phone = digits >= 6 ? unlessInvalid(() => normalizePhone(text, opts.defaultRegion)) : undefined;
    if (phone) return { type: 'phone', value: phone };
  }

  throw UNRECOGNISED(text);
}
