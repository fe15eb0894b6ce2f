import { createHash } from 'node:crypto';
import { base58, bech32, bech32m, createBase58check } from '@scure/base';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { getAddress, isAddress } from 'viem/utils';
import { badString } from '../unicode.ts';

export const EVM_CHAINS = ['ethereum', 'bsc', 'polygon', 'arbitrum', 'base', 'optimism', 'avalanche'] as const;
export const WALLET_CHAINS = [...EVM_CHAINS, 'tron', 'solana', 'bitcoin'] as const;
export type WalletChain = (typeof WALLET_CHAINS)[number];
export type WalletFamily = 'evm' | 'tron' | 'solana' | 'bitcoin';

export const IDENTIFIER_TYPES = [
  'external_id',
  'email',
  'phone',
  'kakao_id',
  'line_id',
  'discord',
  'telegram',
  'x',
  'wallet',
] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

/** A value that is malformed for its type. The message is shown to users as is. */
export class IdentifierError extends Error {
  override name = 'IdentifierError';
}

const quote = (value: string): string => JSON.stringify(value);

// ---------------------------------------------------------------------------
// Blocked values

export const DEFAULT_BLOCKED_VALUES: readonly string[] = [
  '',
  'null',
  'undefined',
  'nil',
  'none',
  'n/a',
  'na',
  'nan',
  '-',
  '0',
  '-1',
  'anonymous',
  'unknown',
  'test',
  '[object object]',
  'test@test.com',
];

const PLACEHOLDER_EMAIL_LOCAL_PARTS = new Set([
  'test',
  'example',
  'noreply',
  'no-reply',
  'no_reply',
  'donotreply',
  'do-not-reply',
  'do_not_reply',
  'null',
  'none',
  'unknown',
  'anonymous',
  'mailer-daemon',
]);

// example.com/.org/.net are deliberately absent: the demo data uses real-looking
// addresses there (alice@example.com) and they must stay identifiers.
const PLACEHOLDER_EMAIL_DOMAINS = new Set(['test.com', 'test', 'example', 'invalid', 'localhost']);
const PLACEHOLDER_EMAIL_TLDS = new Set(['test', 'example', 'invalid', 'localhost']); // RFC 2606 reserved

// Upstream systems use the zero address as "no wallet".
const EVM_ZERO_ADDRESS = /^0x0{40}$/i;

export function isBlockedValue(value: string, extraBlocked: readonly string[] = []): boolean {
  const v = value.trim().toLowerCase();
  if (DEFAULT_BLOCKED_VALUES.includes(v)) return true;
  if (extraBlocked.some((b) => b.trim().toLowerCase() === v)) return true;
  if (EVM_ZERO_ADDRESS.test(v)) return true;

  const at = v.lastIndexOf('@');
  if (at > 0 && at === v.indexOf('@')) {
    const local = v.slice(0, at);
    const domain = v.slice(at + 1);
    const tld = domain.slice(domain.lastIndexOf('.') + 1);
    if (PLACEHOLDER_EMAIL_LOCAL_PARTS.has(local)) return true;
    if (PLACEHOLDER_EMAIL_DOMAINS.has(domain) || PLACEHOLDER_EMAIL_TLDS.has(tld)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Email

// Deliberately looser than RFC 5322 (no quoted local parts, no IP literals): customer
// data never uses those, and a stricter shape check catches typos like "alice@gmail".
const EMAIL_LOCAL = /^[^\s@<>()[\]\\,;:"]+$/u;
const EMAIL_DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
const EMAIL_TLD = /^(?:\p{L}{2,}|xn--[a-z0-9-]+)$/u;

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  const fail = (): never => {
    throw new IdentifierError(`not a valid email address: ${quote(raw.trim())}`);
  };
  if (email.length > 254) fail();
  const parts = email.split('@');
  if (parts.length !== 2) fail();
  const [local = '', domain = ''] = parts;
  if (!local || local.length > 64 || !EMAIL_LOCAL.test(local)) fail();
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) fail();
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => l.length <= 63 && EMAIL_DOMAIN_LABEL.test(l))) fail();
  if (!EMAIL_TLD.test(labels[labels.length - 1] ?? '')) fail();
  return email;
}

// ---------------------------------------------------------------------------
// Phone

function toCountry(region: string): CountryCode {
  const country = region.trim().toUpperCase();
  // A bad region is a configuration mistake, not bad customer data, so it must not
  // be caught and skipped like an IdentifierError.
  if (!isSupportedCountry(country)) throw new Error(`unsupported default phone region ${quote(region)}`);
  return country;
}

export function normalizePhone(raw: string, defaultRegion: string): string {
  const text = raw.trim();
  const region = toCountry(defaultRegion);
  // extract: false makes the whole input be the number; the default would pull a
  // number out of "call me at 0912…" and accept it.
  let phone = parsePhoneNumberFromString(text, { defaultCountry: region, extract: false });
  // 00 is the international prefix much of the world writes for + (00886…, 0044…); libphonenumber reads
  // it only where it is the default region's own exit code (Taiwan's is 002), so try it as + as well.
  const intl = /^00[\s.-]*(?=[1-9])/.exec(text);
  if (!phone?.isValid() && intl) phone = parsePhoneNumberFromString(`+${text.slice(intl[0].length)}`, { extract: false });
  if (!phone?.isValid()) {
    const hint = text.startsWith('+') ? '' : ` (numbers without +country code are read as ${region})`;
    throw new IdentifierError(`not a valid phone number: ${quote(text)}${hint}`);
  }
  // Extensions share the switchboard's E.164 number; keeping them would merge
  // everyone behind one office line into one customer.
  if (phone.ext) throw new IdentifierError(`phone numbers with an extension are not accepted: ${quote(text)}`);
  return phone.number;
}

export function formatPhoneInternational(e164: string): string {
  const phone = parsePhoneNumberFromString(e164.trim(), { extract: false });
  if (!phone?.isValid()) throw new IdentifierError(`not a valid phone number: ${quote(e164.trim())}`);
  return phone.formatInternational();
}

// ---------------------------------------------------------------------------
// Wallets

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
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return { address: getAddress(`0x${hex.toLowerCase()}`) };
  const candidate = `0x${hex}`;
  if (!isAddress(candidate, { strict: true })) return { reason: 'EIP-55 checksum mismatch (check for a typo)' };
  return { address: getAddress(candidate) };
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
function walletKeyFromAddress(address: string): string | undefined {
  if (/^0x[0-9a-f]{40}$/i.test(address)) return normalizeWallet('ethereum', address).key;
  if (isTronAddress(address)) return `tron:${address}`;
  const bitcoin = canonicalBitcoinAddress(address);
  if (bitcoin) return `bitcoin:${bitcoin}`;
  if (isSolanaAddress(address)) return `solana:${address}`;
  return undefined;
}

function walletKey(value: string): string {
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

// ---------------------------------------------------------------------------
// Any identifier

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

// Slack auto-links emails and phone numbers in slash-command text. Neither class may hold `<`, so an
// attempt ends at the next `<` at the latest: linear in the input. (With `[^|>]*` an unclosed `<tel:`
// repeated made every attempt scan to the end: a 256k-character lookup held the event loop 22 s.)
const SLACK_LINK = /<(?:mailto|tel):([^|<>]*)(?:\|[^<>]*)?>/gi;

/** The longest identifier a record may hold (SPEC §3), and so the longest one worth looking up. */
export const MAX_IDENTIFIER_LENGTH = 256;
// A Slack-wrapped value spells the identifier twice: `<mailto:V|V>`.
const MAX_LOOKUP_INPUT = 2 * MAX_IDENTIFIER_LENGTH + 16;

/** `<mailto:a@b.c|a@b.c>` → `a@b.c`, `<tel:+886…|…>` → `+886…`; other text is left as it is. */
export function unwrapSlackLinks(text: string): string {
  return text.replace(SLACK_LINK, '$1');
}

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
  const text = unwrapSlackLinks(input).trim();
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
