import { formatPhoneInternational } from '../identity/normalize.ts';
import type { Role } from '../../db/schema/constants.ts';

/** Personal data of SPEC §2: name, email, phone, document ID. Everything else is shown to every role. */
export const PERSONAL_IDENTIFIER_TYPES = new Set(['email', 'phone']);

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

export function maskIdentifier(type: string, value: string): string {
  if (type === 'email') return maskEmail(value);
  if (type === 'phone') return maskPhone(value);
  return value;
}
