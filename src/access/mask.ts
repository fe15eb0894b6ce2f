import { formatPhoneInternational } from '../identity/normalize.ts';
import type { Role } from '../../db/schema/constants.ts';

export const canSeePersonalData = (role: Role) => role === 'compliance' || role === 'admin';

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** `+886912345678` → `+886 9** *** 678`: country code, first digit and last three stay. */
export function maskPhone(e164: string): string {
  let formatted: string;
  try {
    formatted = formatPhoneInternational(e164);
  } catch {
    formatted = e164;
  }
  const [country, ...rest] = formatted.split(' ');
  const national = rest.join(' ');
  const digits = national.replace(/\D/g, '');
  if (digits.length <= 4) return `${country} ***`;
  let seen = 0;
  const masked = national.replace(/\d/g, (d) => {
    seen++;
    return seen === 1 || seen > digits.length - 3 ? d : '*';
  });
  return `${country} ${masked}`;
}

export function maskDocumentId(doc: string): string {
  return doc.length <= 4 ? '****' : `${'*'.repeat(Math.min(doc.length - 4, 8))}${doc.slice(-4)}`;
}

export function maskName(name: string): string {
  const first = [...name.trim()][0] ?? '';
  return `${first}***`;
}

/** A chat handle or id (kakao, LINE, Discord, Telegram, X): its first character stays. */
export function maskHandle(handle: string): string {
  return `${[...handle.trim()][0] ?? ''}***`;
}

/** A birth date says who someone is; the age group (kept) is what a viewer needs. */
export const maskBirthDate = (_date: string) => '****-**-**';

type Masker = (value: string) => string;

/**
 * THE list of personal data (SPEC §2: name, email, phone, document ID, and what identifies a person as
 * surely: chat handles, the birth date). Every output a viewer gets (text, Block Kit, embeds, --json,
 * the audit row) is derived from it: maskIdentifier for identifiers, maskProfile for whole profiles.
 * A field not listed here is shown to every role; add a field here, not in a renderer.
 */
export const PERSONAL = {
  identifiers: { email: maskEmail, phone: maskPhone, kakao_id: maskHandle, line_id: maskHandle, discord: maskHandle, telegram: maskHandle, x: maskHandle },
  traits: { name: maskName, birth_date: maskBirthDate },
  compliance: { document_id: maskDocumentId },
} as const satisfies Record<string, Record<string, Masker>>;

export const PERSONAL_IDENTIFIER_TYPES: ReadonlySet<string> = new Set(Object.keys(PERSONAL.identifiers));

export function maskIdentifier(type: string, value: string): string {
  const mask = Object.hasOwn(PERSONAL.identifiers, type) ? (PERSONAL.identifiers as Record<string, Masker>)[type]! : undefined;
  return mask ? mask(value) : value;
}

/** A message that quotes what the caller typed (an IdentifierError's), with every quoted value hidden. */
export const maskQuoted = (message: string) => message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
